"""Audit: the hash-chained log of official actions, the trail of casts, and what auditors read of them."""
