"""pb: participatory budgeting for Finnish municipalities."""

__version__ = "0.1.0"
