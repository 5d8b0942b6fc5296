"""One run of the Method of Equal Shares in floating point, refusing every decision it cannot certify.

Budgets are numpy float arrays over groups of identical ballots. Each decision (is a project affordable,
which project is cheapest per unit of satisfaction) is taken only when the float figures are apart by far
more than their rounding error; otherwise the run stops with ``CloseCall`` and the caller reruns it exactly
(``equal_shares_exact``). Outcomes therefore never depend on rounding: ties, in particular, always go to the
exact engine and its tie-break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ballots.rules.equal_shares_data import FloatArray, IntArray, MesData, Purchase, RunResult
from ballots.rules.equal_shares_exact import Chooser, exact_price

MARGIN = 1e-9
"""Relative gap below which two float figures are a close call, far above the accumulated rounding error."""
ERROR = 1e-12
"""Bound on the relative rounding error of a sum of budgets, against the supporters' initial money."""


class CloseCall(Exception):
    """The float figures cannot settle a decision; the run must be redone exactly."""


@dataclass(frozen=True, slots=True)
class FastView:
    """Per-project float arrays, built once and reused by every run (add1 runs many)."""

    supporters: tuple[IntArray, ...]
    multiplicity: tuple[FloatArray, ...]
    utility: tuple[FloatArray, ...]
    weight: tuple[FloatArray, ...]
    """Multiplicity times utility, per supporting group."""
    unit: tuple[bool, ...]
    """Whether every supporter has utility 1 (approval), which spares a division."""
    total_weight: FloatArray
    voters: FloatArray
    cost: FloatArray
    scale: FloatArray

    @classmethod
    def of(cls, data: MesData) -> FastView:
        mult = tuple(data.multiplicity[s].astype(np.float64) for s in data.supporters)
        util = tuple(u.astype(np.float64) for u in data.utility)
        weight = tuple(m * u for m, u in zip(mult, util, strict=True))
        return cls(
            supporters=data.supporters,
            multiplicity=mult,
            utility=util,
            weight=weight,
            unit=tuple(bool((u == 1).all()) for u in data.utility),
            total_weight=np.array([w.sum() for w in weight]),
            voters=np.array([m.sum() for m in mult]),
            cost=np.array([float(c) for c in data.costs]),
            scale=np.array([float(s) for s in data.scale]),
        )


class Run:
    """The state of one float run: budgets per group, and which budgets are still known exactly."""

    def __init__(self, view: FastView, data: MesData, endowment: Fraction) -> None:
        self.view = view
        self.data = data
        self.exact_endowment = endowment
        self.endowment = float(endowment)
        self.tiny = ERROR * self.endowment
        self.budget = np.full(data.groups, self.endowment)
        self.touched = np.zeros(data.groups, dtype=bool)
        """Groups that have paid something; the others hold exactly the endowment."""
        self.drained = np.zeros(data.groups, dtype=bool)
        """Groups that surely gave all they had: their exact budget is 0."""

    def untouched(self, j: int) -> bool:
        return not self.touched[self.view.supporters[j]].any()

    def exact_rho(self, j: int) -> Fraction | None:
        """Project ``j``'s exact price per unit of satisfaction when all its supporters hold the endowment."""
        data = self.data
        values, inverse = np.unique(data.utility[j], return_inverse=True)
        counts = np.bincount(inverse, weights=data.multiplicity[data.supporters[j]])
        triples = [(self.exact_endowment, int(u), int(n)) for u, n in zip(values, counts, strict=True)]
        price = exact_price(data.costs[j], triples)
        return None if price is None else price / data.scale[j]

    def price(self, j: int) -> tuple[float, float] | None:
        """Project ``j``'s price per unit of utility and its error bound; None if its supporters cannot
        afford it."""
        view = self.view
        held = self.budget[view.supporters[j]]
        paid_in = view.multiplicity[j] * held
        available = paid_in.sum()
        cost = view.cost[j]
        slack = MARGIN * self.endowment * view.voters[j]
        if available < cost - slack:
            return None
        if available <= cost + slack:
            if not self.untouched(j):
                raise CloseCall(f"affordability of project {j}")
            if self.exact_rho(j) is None:
                return None
        threshold = held if view.unit[j] else held / view.utility[j]
        price = cost / view.total_weight[j]
        rich_weight = view.total_weight[j]
        if threshold.min() < price:
            price, rich_weight = self._price_with_poor(j, threshold, paid_in, price)
        return price, ERROR * self.endowment * view.voters[j] / rich_weight

    def certain_rho(self, j: int, price: float) -> Fraction | None:
        """Project ``j``'s exact price per unit of satisfaction when the float figures surely split its
        supporters into those paying in full and those with nothing left; None when they do not."""
        view = self.view
        groups = view.supporters[j]
        held = self.budget[groups]
        threshold = held if view.unit[j] else held / view.utility[j]
        full = threshold > price * (1 + MARGIN) + self.tiny
        if not (full | self.drained[groups]).all():
            return None
        rich_weight = round(float(view.weight[j][full].sum()))
        return self.data.costs[j] / (self.data.scale[j] * rich_weight)

    def _price_with_poor(
        self, j: int, threshold: FloatArray, paid_in: FloatArray, price: float
    ) -> tuple[float, float]:
        """Raises the price as supporters who cannot pay it give all they have (poor/rich iteration)."""
        view = self.view
        poor = threshold < price
        count = int(poor.sum())
        while True:
            rich_weight = view.total_weight[j] - view.weight[j][poor].sum()
            if rich_weight <= 0:
                raise CloseCall(f"price of project {j}")
            price = (view.cost[j] - paid_in[poor].sum()) / rich_weight
            # In exact arithmetic the price only rises, so the poor only grow. Rounding can put a supporter whose
            # threshold equals the price a hair either side of it on alternate steps (the price is the same
            # either way); keeping whoever was poor makes every step add one, so the loop ends.
            poor |= threshold < price
            now = int(poor.sum())
            if now == count:
                return float(price), float(rich_weight)
            count = now

    def pay(self, j: int, price: float, record: bool) -> tuple[int, int]:
        """Charges ``j``'s supporters; with ``record``, says how many paid and how many gave their all."""
        view = self.view
        groups = view.supporters[j]
        held = self.budget[groups]
        due = price if view.unit[j] else price * view.utility[j]
        tiny = self.tiny
        payers = exhausted = 0
        if record:
            payers = int(view.multiplicity[j][held > tiny].sum())
            exhausted = int(view.multiplicity[j][(held > tiny) & (held < due - tiny)].sum())
        self.budget[groups] = np.maximum(held - due, 0.0)
        self.touched[groups] = True
        self.drained[groups] |= held < due * (1 - MARGIN) - tiny
        return payers, exhausted


def _settle(
    run: Run, near: list[tuple[int, float]], choose: Chooser
) -> tuple[int, Fraction, tuple[int, ...], str]:
    """Decides exactly among nearly tied projects whose exact price needs no history.

    That is when every supporter surely pays in full or has surely nothing left (the price is the cost over
    the payers' utility), or all still hold the endowment. Cost utilities make exact ties common there: such a
    project's price per unit of satisfaction is one over its number of paying supporters.
    """
    rhos: dict[int, Fraction] = {}
    for j, price in near:
        rho = run.exact_rho(j) if run.untouched(j) else run.certain_rho(j, price)
        if rho is None:
            raise CloseCall("two projects are nearly as cheap")
        rhos[j] = rho
    best = min(rhos.values())
    tied = sorted(j for j, rho in rhos.items() if rho == best)
    if len(tied) == 1:
        return tied[0], best, (), ""
    chosen, by = choose(tied)
    return chosen, best, tuple(tied), by


def run_fast(
    data: MesData,
    view: FastView,
    endowment: Fraction,
    candidates: Sequence[int],
    choose: Chooser,
    *,
    record: bool = True,
) -> RunResult:
    """Runs equal shares in floats; raises ``CloseCall`` when a decision needs exact arithmetic.

    Without ``record`` the explanation figures (payers, money left) are skipped: add1's search needs only
    the purchases, and reruns the endowment it keeps.
    """
    run = Run(view, data, endowment)
    return resume(run, candidates, choose, [], record=record)


def resume(
    run: Run, candidates: Sequence[int], choose: Chooser, purchases: list[Purchase], *, record: bool
) -> RunResult:
    """Continues a run whose ``purchases`` so far were paid into ``run``'s budgets (none for a new run).

    The counterfactuals of ``ballots.rules.equal_shares_closeness`` replay a known run up to the round where
    a changed project matters, then continue from there with the same decisions as a run from the start.
    """
    view = run.view
    bought = {p.project for p in purchases}
    order = np.asarray(candidates, dtype=np.int64)
    # Budgets only fall during a run, so a project's first price is a lower bound at every later round.
    bound = view.cost[order] / (view.scale[order] * view.total_weight[order])
    bound *= 1 - MARGIN
    live = np.array([int(j) not in bought for j in order], dtype=bool)
    purchases = list(purchases)
    while True:
        best, best_error, chosen = np.inf, 0.0, -1
        evaluated: list[tuple[int, float, float]] = []
        for k in np.argsort(np.where(live, bound, np.inf), kind="stable"):
            if not live[k] or bound[k] > best * (1 + MARGIN) + best_error:
                break
            j = int(order[k])
            priced = run.price(j)
            if priced is None:
                live[k] = False
                continue
            price, error = priced
            rho, rho_error = price / view.scale[j], error / view.scale[j]
            # Stored as a certain lower bound: the true price can only have risen since.
            bound[k] = rho * (1 - MARGIN) - rho_error
            evaluated.append((k, rho - rho_error, price))
            if rho < best:
                best, best_error, chosen = rho, rho_error, k
        if chosen < 0:
            break
        reach = best * (1 + MARGIN) + best_error
        near = [(int(order[k]), price) for k, low, price in evaluated if low <= reach]
        tied: tuple[int, ...] = ()
        by = ""
        if len(near) > 1:
            winner, exact_best, tied, by = _settle(run, near, choose)
            chosen, best = int(np.flatnonzero(order == winner)[0]), float(exact_best)
        j = int(order[chosen])
        live[chosen] = False
        price = best * view.scale[j]
        payers, exhausted = run.pay(j, price, record)
        purchases.append(Purchase(j, float(best), float(price), payers, exhausted, tied, by))
    pairs = zip(view.multiplicity, view.supporters, strict=True)
    left = tuple(float(np.dot(m, run.budget[s])) for m, s in pairs) if record else ()
    return RunResult(tuple(purchases), left, exact=False)
