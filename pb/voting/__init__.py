"""Casting ballots: eligibility, one counted ballot per voter and budget, receipts and the bulletin board."""
