"""A development identity provider served by pb itself, so the demo and tests can sign in. Never in production."""
