"""Why equal shares funded a project or not, in words a resident understands and in figures for machines.

Prices and shortfalls come from the run's float figures rounded to cents: they explain the outcome, while
every decision behind it was taken (or confirmed) in exact arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

from ballots.instance import Money
from ballots.outcome import ProjectResult
from ballots.rules import explain
from ballots.rules.equal_shares_data import MesData, Purchase, RunResult


def cents(value: float) -> Fraction:
    """A float figure rounded to cents, exact from then on."""
    return Fraction(round(value * 100), 100)


def bought(data: MesData, purchase: Purchase, step: int, round_: int, per: str) -> ProjectResult:
    """A project bought in an equal-shares round, with what its supporters paid."""
    j = purchase.project
    price = cents(purchase.price)
    reason = (
        f"funded in round {round_} of equal shares: {purchase.payers:,} supporters paid"
        f" {explain.amount(price)} {per}"
    )
    if purchase.exhausted:
        reason += f" ({purchase.exhausted:,} of them gave all they had left)"
    details = {
        "step": step,
        "round": round_,
        "rho": purchase.rho,
        "price": price,
        "effective_votes": float(data.costs[j] / Fraction(purchase.price)) if purchase.price else None,
        "payers": purchase.payers,
        "exhausted": purchase.exhausted,
    }
    return ProjectResult(data.ids[j], "funded", Fraction(data.support[j]), reason, details)


def free(data: MesData, j: int, step: int) -> ProjectResult:
    """A supported project that costs nothing, funded before any money is shared."""
    reason = "funded: it costs nothing and has support"
    return ProjectResult(data.ids[j], "funded", Fraction(data.support[j]), reason, {"step": step, "round": 0})


def completed(data: MesData, j: int, step: int, left: Money) -> ProjectResult:
    """A project added by the greedy completion after equal shares stopped."""
    cost, support = data.costs[j], Fraction(data.support[j])
    reason = (
        f"added by greedy completion in step {step}: support {explain.amount(support)},"
        f" costs {explain.amount(cost)}, {explain.amount(left)} left after"
    )
    return ProjectResult(data.ids[j], "funded", support, reason, {"step": step, "completion": "greedy"})


def rejected(data: MesData, j: int, run: RunResult, left: Money, completion_ran: bool) -> ProjectResult:
    """A project not funded: its supporters' money fell short, and (after completion) the budget too."""
    cost, support = data.costs[j], Fraction(data.support[j])
    held = cents(run.left[j])
    shortfall = max(cost - held, Fraction(0))
    reason = (
        f"supporters' money fell short by {explain.amount(shortfall)}: they had"
        f" {explain.amount(held)} left, it costs {explain.amount(cost)}"
    )
    if completion_ran or cost > left:
        reason += f"; not affordable: {explain.amount(left)} left in the budget"
    details = {"supporters_left": held, "shortfall": shortfall, "left": left, "cost": cost}
    return ProjectResult(data.ids[j], "not-funded", support, reason, details)
