"""Ballot projects: what residents vote on in a budget, each with its official cost."""
