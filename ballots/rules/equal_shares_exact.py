"""One run of the Method of Equal Shares in exact rational arithmetic.

Voters whose budgets are equal form a class and the arithmetic is done once per class (with the utility it
gives a project), so the number of Fraction operations follows the number of distinct budgets, not voters.
This engine decides every close call the fast path leaves open, and is the reference the fast path is tested
against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from ballots.rules.equal_shares_data import IntArray, MesData, Purchase, RunResult

Chooser = Callable[[Sequence[int]], tuple[int, str]]
"""Breaks a tie among project indices; returns the winner and the deciding criterion."""
Observer = Callable[["Budgets", "Fraction | None", "int | None"], None]
"""Called before each purchase with the budgets, the winning price per unit of satisfaction and the project
bought, and once at the end with ``None, None`` (the analytics read the run through it)."""


class Budgets:
    """Voters' budgets as classes of equal budgets: ``cls[group]`` indexes ``value``."""

    def __init__(self, data: MesData, endowment: Fraction) -> None:
        self.data = data
        self.value: list[Fraction] = [endowment]
        self.ids: dict[Fraction, int] = {endowment: 0}
        self.cls: IntArray = np.zeros(data.groups, dtype=np.int64)

    def pairs(self, j: int) -> tuple[list[tuple[Fraction, int, int]], IntArray, IntArray]:
        """Project ``j``'s supporters as (budget, utility, voters) triples, with the map back to groups."""
        utility = self.data.utility[j]
        width = int(utility.max()) + 1
        keys = self.cls[self.data.supporters[j]] * width + utility
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse, weights=self.data.multiplicity[self.data.supporters[j]])
        triples = [
            (self.value[int(key) // width], int(key) % width, int(count))
            for key, count in zip(unique, counts, strict=True)
        ]
        return triples, unique, inverse.astype(np.int64)

    def class_of(self, amount: Fraction) -> int:
        if amount not in self.ids:
            self.ids[amount] = len(self.value)
            self.value.append(amount)
        return self.ids[amount]


def exact_price(cost: Fraction, triples: list[tuple[Fraction, int, int]]) -> Fraction | None:
    """The price per unit of utility that raises ``cost`` from these supporters, or None if they cannot."""
    if sum((b * n for b, _, n in triples), Fraction(0)) < cost:
        return None
    # Supporters who cannot pay price x utility give everything; the others share the rest equally per unit.
    ordered = sorted(triples, key=lambda t: t[0] / t[1])
    paid = Fraction(0)
    weight = sum(u * n for _, u, n in triples)
    for budget, u, n in ordered:
        price = (cost - paid) / weight
        if price * u <= budget:
            return price
        paid += budget * n
        weight -= u * n
    raise AssertionError("affordable project without a price")


def run_exact(
    data: MesData,
    endowment: Fraction,
    candidates: Sequence[int],
    choose: Chooser,
    observe: Observer | None = None,
) -> RunResult:
    """Runs equal shares from ``endowment`` per voter over ``candidates`` until nothing is affordable."""
    budgets = Budgets(data, endowment)
    # A project's last price is a lower bound on its next one: budgets only shrink during a run.
    bound = {j: data.costs[j] / (data.scale[j] * data.support[j]) for j in candidates}
    active = set(candidates)
    purchases: list[Purchase] = []
    while True:
        best: Fraction | None = None
        tied: list[int] = []
        prices: dict[int, Fraction] = {}
        for j in sorted(active, key=lambda p: (bound[p], p)):
            if best is not None and bound[j] > best:
                break
            price = exact_price(data.costs[j], budgets.pairs(j)[0])
            if price is None:
                active.discard(j)
                continue
            prices[j] = price
            bound[j] = rho = price / data.scale[j]
            if best is None or rho < best:
                best, tied = rho, [j]
            elif rho == best:
                tied.append(j)
        if best is None:
            break
        chosen, by = choose(sorted(tied)) if len(tied) > 1 else (tied[0], "")
        if observe is not None:
            observe(budgets, best, chosen)
        purchases.append(_pay(budgets, chosen, prices[chosen], best, tuple(sorted(tied)) if by else (), by))
        active.discard(chosen)
    if observe is not None:
        observe(budgets, None, None)
    return RunResult(tuple(purchases), _left(budgets), exact=True)


def _pay(
    budgets: Budgets, j: int, price: Fraction, rho: Fraction, tied: tuple[int, ...], by: str
) -> Purchase:
    """Charges project ``j``'s supporters ``price`` per unit of utility, or all they have left."""
    triples, unique, inverse = budgets.pairs(j)
    new_class = np.empty(len(unique), dtype=np.int64)
    payers = exhausted = 0
    for position, (budget, u, n) in enumerate(triples):
        payers += n if budget > 0 else 0
        exhausted += n if 0 < budget < price * u else 0
        new_class[position] = budgets.class_of(budget - min(budget, price * u))
    budgets.cls[budgets.data.supporters[j]] = new_class[inverse]
    return Purchase(j, float(rho), float(price), payers, exhausted, tied, by)


def _left(budgets: Budgets) -> tuple[float, ...]:
    """Per project, what its supporters still hold."""
    value = np.array([float(v) for v in budgets.value])
    data = budgets.data
    return tuple(
        float(np.dot(data.multiplicity[s], value[budgets.cls[s]])) for s in data.supporters
    )
