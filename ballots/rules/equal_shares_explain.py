"""Why equal shares funded a project or not, as reason codes with their figures.

Prices and the supporters' remaining money come from the run's float figures rounded to cents: they explain
the outcome, while every decision behind it was taken (or confirmed) in exact arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

from ballots import reasons
from ballots.instance import Money
from ballots.outcome import ProjectResult
from ballots.rules import explain
from ballots.rules.equal_shares_data import MesData, Purchase, RunResult


def cents(value: float) -> Fraction:
    """A float figure rounded to cents, exact from then on."""
    return Fraction(round(value * 100), 100)


def bought(data: MesData, purchase: Purchase, step: int, round_: int, per_point: bool) -> ProjectResult:
    """A project bought in an equal-shares round, with what its supporters paid."""
    j = purchase.project
    why = reasons.funded_equal_shares(
        step, round_, cents(purchase.price), purchase.payers, purchase.exhausted, per_point=per_point
    )
    return explain.result(data.ids[j], Fraction(data.support[j]), why)


def free(data: MesData, j: int, step: int) -> ProjectResult:
    """A supported project that costs nothing, funded before any money is shared."""
    return explain.result(data.ids[j], Fraction(data.support[j]), reasons.funded_free(step))


def completed(data: MesData, j: int, step: int, left: Money) -> ProjectResult:
    """A project added by the greedy completion after equal shares stopped."""
    why = reasons.funded_by_completion(step, data.costs[j], left)
    return explain.result(data.ids[j], Fraction(data.support[j]), why)


def rejected(data: MesData, j: int, run: RunResult, left: Money) -> ProjectResult:
    """A project not funded: its supporters' money fell short (``left`` is what the budget still had)."""
    why = reasons.supporters_short(data.costs[j], cents(run.left[j]), left)
    return explain.result(data.ids[j], Fraction(data.support[j]), why)
