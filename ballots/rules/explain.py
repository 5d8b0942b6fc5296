"""Wording shared by the rules' explanations, so every rule speaks of money and support the same way."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ballots.instance import Money
from ballots.outcome import ProjectResult


def amount(value: Money | Fraction | int) -> str:
    """Money or support for people: ``12,000``, ``827,838.5``, ``1,234.33`` (rounded to cents if needed)."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    text = f"{float(value):,.2f}"
    return text.rstrip("0").rstrip(".") if value * 100 == int(value * 100) else text


def funded(
    project_id: str, support: Fraction, step: int, cost: Money, left: Money, **details: Any
) -> ProjectResult:
    """A project bought in ``step``, with ``left`` the money remaining after it."""
    reason = (
        f"funded in step {step}: support {amount(support)}, costs {amount(cost)}, {amount(left)} left after"
    )
    return ProjectResult(project_id, "funded", support, reason, {"step": step, "left_after": left, **details})


def not_affordable(
    project_id: str, support: Fraction, cost: Money, left: Money, **details: Any
) -> ProjectResult:
    """A project skipped because the money left does not cover it."""
    reason = f"not affordable: {amount(left)} left, costs {amount(cost)}"
    return ProjectResult(project_id, "not-funded", support, reason, {"left": left, "cost": cost, **details})


def not_funded(project_id: str, support: Fraction, reason: str, **details: Any) -> ProjectResult:
    return ProjectResult(project_id, "not-funded", support, reason, dict(details))


def no_support(project_id: str, support: Fraction) -> ProjectResult:
    """A project nobody voted for, which pb never funds."""
    return not_funded(project_id, support, "no support: nobody voted for it", excluded="no-support")


def ordered_results(
    results: Mapping[str, ProjectResult], order: tuple[str, ...]
) -> tuple[ProjectResult, ...]:
    """The results listed in ``order`` (the instance's listing unless the rule has a ranking)."""
    return tuple(results[p] for p in order)
