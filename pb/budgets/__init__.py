"""Budgets: the money of one network (or the whole municipality) in a round, with its ballot and rule."""
