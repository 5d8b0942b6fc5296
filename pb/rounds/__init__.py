"""Budget rounds: the yearly cycle, its phase plan and its freeze when voting opens."""
