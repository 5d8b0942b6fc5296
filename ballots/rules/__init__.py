"""Tallying rules, registered by id in ``RULES``; run one with ``tally``.

Importing this package registers every rule module listed in ``RULE_MODULES``. A new rule module calls
``register(RuleSpec(...))`` at import and is added to that list.
"""

from importlib import import_module

from ballots.rules.registry import (
    RULES,
    InvalidParameter,
    RuleError,
    RuleNotApplicable,
    RuleSpec,
    UnknownRule,
    check,
    register,
    tally,
)

RULE_MODULES = (
    "greedy",
    "phragmen",
    "max_welfare",
    "equal_shares",
)

for _module in RULE_MODULES:
    import_module(f"ballots.rules.{_module}")

__all__ = [
    "RULES",
    "InvalidParameter",
    "RuleError",
    "RuleNotApplicable",
    "RuleSpec",
    "UnknownRule",
    "check",
    "register",
    "tally",
]
