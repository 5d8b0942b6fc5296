"""Equal-shares counterfactuals fast enough for a city: is a project funded at another cost, or with more voters?

``ballots.closeness`` asks these questions dozens of times per project; re-running equal shares with add1
(dozens of runs per answer) each time would take hours on Łódź 2022. ``MesCounterfactual`` answers exactly
as such a re-run would, from the real election's runs:

- the add1 search at another cost of project ``p`` passes through the same per-voter shares; at each share
  the run *without* ``p`` (the real one when it did not buy ``p``; else the real one up to the round that
  bought it, then on without it) is kept, being the same whatever ``p`` costs. It is *replayed* (its
  purchases paid again, no pricing), and before each purchase ``p`` is priced at the new cost. While ``p``
  is surely dearer per unit of satisfaction than the round's winner (by far more than rounding error) that
  round is unchanged; at the first round where it is not, the run continues from the replayed budgets with
  the full engine (``equal_shares_fast.resume``, exact on a close call), so the result is the run from the
  start's.
- while replaying, the highest cost at which ``p`` could have won each round (or been affordable at the end)
  is recorded, inflated past rounding error. A later question at a higher cost skips that share at once:
  ``p`` surely wins no round there, so the run is the kept one.
- ``cost_estimate`` tells ``ballots.closeness`` where the threshold probably lies (in floats), so that its
  bisection needs a few exact answers instead of about thirty; the figures are still confirmed exactly.
- with more voters every share changes, so those questions run the search afresh on the compiled election
  with one more group of ballots (no re-parsing, no re-compiling).

Then add1's stopping rule and the greedy completion are applied exactly as ``equal_shares`` does. A property
test checks every answer against a plain re-run on random elections.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from ballots.closeness import CENT, extra_ballot
from ballots.instance import Instance, Money
from ballots.profile import Profile
from ballots.rules.equal_shares import _chooser, _greedy_completion
from ballots.rules.equal_shares_data import MesData, Purchase, RunResult, compile_profile
from ballots.rules.equal_shares_exact import run_exact
from ballots.rules.equal_shares_fast import CloseCall, FastView, Run, resume, run_fast
from ballots.support import ordinal_k
from ballots.tiebreak import TieBreak, make_tie_break

INFLATE = 1e-7
"""Relative safety margin on the recorded thresholds: far above float error, far below a cent's worth."""


class MesCounterfactual:
    """Equal shares on one election, asked about one project's cost or supporters (``Counterfactual``)."""

    def __init__(
        self,
        instance: Instance,
        profile: Profile,
        *,
        completion: str = "add1",
        tie_break: str = "default",
        seed: int | None = None,
        compat: str = "pb",
        ordinal_points: int | None = None,
    ) -> None:
        self.instance, self.completion, self.compat = instance, completion, compat
        k = ordinal_k(instance, profile, ordinal_points) if profile.vote_type == "ordinal" else 0
        self.points = k
        self.data = compile_profile(instance, profile, ordinal_points=k)
        self.view = FastView.of(self.data)
        self.breaker: TieBreak = make_tie_break("lexico" if compat == "pabutools" else tie_break, seed)
        self.choose = _chooser(self.data, self.breaker)
        self.add1 = completion.startswith("add1")
        self.vote_type = profile.vote_type
        self.cost_utility = profile.vote_type in ("approval", "choose-1")
        self.index = {pid: j for j, pid in enumerate(self.data.ids)}
        self._runs: dict[Fraction, RunResult] = {}
        self._choose_changed = self.choose
        self._all = self._candidates(self.data)
        self._bases: dict[tuple[int, Fraction], _Base] = {}
        self._over: tuple[Sequence[int], Money] | None = None
        """The last search's outcome that went over the budget and stopped it, with its cost."""
        self._last: dict[int, tuple[Money, bool, Money | None, Fraction]] = {}
        """Per project, the last cost asked, the answer, the budget's threshold it met and its last share."""
        self._aims: dict[int, _Aim] = {}
        self._real_stop_share: Fraction | None = None

    # -- the real election's runs ------------------------------------------------------------------------

    def _candidates(self, data: MesData) -> list[int]:
        return [j for j, c in enumerate(data.costs) if data.support[j] > 0 and c > 0]

    def _real(self, share: Fraction) -> RunResult:
        if share not in self._runs:
            candidates = self._candidates(self.data)
            try:
                run = run_fast(self.data, self.view, share, candidates, self.choose, record=False)
            except CloseCall:
                run = run_exact(self.data, share, candidates, self.choose)
            self._runs[share] = run
        return self._runs[share]

    # -- one run at a share, with project j at another cost ------------------------------------------------

    def _base(self, j: int, share: Fraction) -> _Base:
        """The run at ``share`` without project j: the real one, or (when it bought j) that run from the
        round it bought j on with j left out. It is the same whatever j costs, so it is kept."""
        key = (j, share)
        if key not in self._bases:
            real = self._real(share)
            bought = [t for t, p in enumerate(real.purchases) if p.project == j]
            if not bought:
                base = _Base(real.purchases, real.exact)
            elif real.exact:
                base = _Base((), True)
            else:
                t = bought[0]
                run = Run(self.view, self.data, share)
                for purchase in real.purchases[:t]:
                    run.pay(purchase.project, purchase.price, False)
                others = [q for q in self._all if q != j]
                try:
                    rest = resume(run, others, self.choose, list(real.purchases[:t]), record=False)
                except CloseCall:
                    rest = run_exact(self.data, share, others, self.choose)
                base = _Base(rest.purchases, rest.exact)
            self._bases[key] = base
        return self._bases[key]

    def _run_at_cost(self, share: Fraction, j: int, data: MesData, view: FastView) -> tuple[int, ...]:
        base = self._base(j, share)
        if base.exact:
            return self._fresh(share, data, view, self._all)
        cost = float(data.costs[j])
        # Above all its supporters' money at the start, j is bought at no round: no replay needed.
        if base.top is None and cost > float(share) * float(view.voters[j]) * (1 + INFLATE) + INFLATE:
            return tuple(p.project for p in base.purchases)
        if base.top is not None and cost > base.top:
            return tuple(p.project for p in base.purchases)
        run = Run(view, data, share)
        for t, purchase in enumerate(base.purchases):
            if t == len(base.reach):
                base.reach.append(_threshold(run, j, purchase.rho * (1 + INFLATE), self.cost_utility) * (1 + INFLATE))
            if cost <= base.reach[t]:
                return self._resume(run, base, t, share, data)
            run.pay(purchase.project, purchase.price, False)
        if base.money is None:
            money = float(np.dot(view.multiplicity[j], run.budget[view.supporters[j]]))
            base.money = money * (1 + INFLATE) + INFLATE
        if cost <= base.money:
            return self._resume(run, base, len(base.purchases), share, data)
        base.top = max([base.money, *base.reach])
        return tuple(p.project for p in base.purchases)

    def _resume(self, run: Run, base: _Base, t: int, share: Fraction, data: MesData) -> tuple[int, ...]:
        try:
            result = resume(run, self._all, self._choose_changed, list(base.purchases[:t]), record=False)
        except CloseCall:
            result = run_exact(data, share, self._all, self._choose_changed)
        return tuple(p.project for p in result.purchases)

    def _fresh(self, share: Fraction, data: MesData, view: FastView, candidates: list[int]) -> tuple[int, ...]:
        try:
            result = run_fast(data, view, share, candidates, self._choose_changed, record=False)
        except CloseCall:
            result = run_exact(data, share, candidates, self._choose_changed)
        return tuple(p.project for p in result.purchases)

    def cost_estimate(self, project_id: str, low: Money, high: Money) -> Money | None:
        """Where project j's cost threshold probably lies between ``low`` (funded) and ``high`` (not), in
        floats; it aims the bisection of ``ballots.closeness``, whose every figure is still confirmed.

        First a run's threshold: ``h(s)``, the highest cost at which the run at share s (without j) buys j,
        for the share s where the last search stopped (the real search's at first). Once two such aims have
        missed, also the budget's: the last search stopped on an outcome with j that went over the budget,
        which would fit were j cheaper by the excess."""
        j = self.index[project_id]
        aim = self._aims.setdefault(j, _Aim())
        last = self._last.get(j)
        if last is not None and aim.cost is not None and last[0] == aim.cost:
            if last[1]:
                return aim.cost  # funded there: the next probe is one cent beyond
            aim.misses += 1
        # Only a budget's threshold near the bracket's top: one far below it is seldom the figure, and a
        # probe at a low cost is dear (j is bought at many shares, each a run of its own).
        fits = None if last is None or last[1] else last[2]
        if fits is not None and aim.misses >= 2 and low < fits < high and 8 * (high - fits) <= high - low:
            aim.cost = fits // CENT * CENT
            return aim.cost
        share = self._real_stop if last is None else last[3]
        highest = self._highest(j, share)
        if highest < 0:
            return None
        aim.cost = Fraction(highest) // CENT * CENT
        return aim.cost

    def _highest(self, j: int, share: Fraction) -> float:
        """``h(share)`` in floats; -1 where the run needed exact arithmetic."""
        base = self._base(j, share)
        if base.exact:
            return -1.0
        if base.highest is None:
            run = Run(self.view, self.data, share)
            highest = 0.0
            for purchase in base.purchases:
                highest = max(highest, _threshold(run, j, purchase.rho, self.cost_utility))
                run.pay(purchase.project, purchase.price, False)
            money = float(np.dot(self.view.multiplicity[j], run.budget[self.view.supporters[j]]))
            base.highest = max(highest, money)
        return base.highest

    # -- the rule: add1's search and the completion, as equal_shares runs them -------------------------------

    @property
    def _real_stop(self) -> Fraction:
        if self._real_stop_share is None:
            self._real_stop_share = self._search(self.data, lambda s: [p.project for p in self._real(s).purchases])[1]
        return self._real_stop_share

    def _selected(self, data: MesData, run_at: Callable[[Fraction], Sequence[int]]) -> list[int]:
        return self._search(data, run_at)[0]

    def _search(
        self, data: MesData, run_at: Callable[[Fraction], Sequence[int]]
    ) -> tuple[list[int], Fraction]:
        """The projects funded and the share add1's search stopped at."""
        free = [j for j, c in enumerate(data.costs) if data.support[j] > 0 and c == 0]
        budget = self.instance.budget
        candidates = set(self._candidates(data))
        if data.voters == 0:
            return [], Fraction(0)
        # Money in integers of a common unit: the stopping test sums costs at every share, and Fraction
        # sums were much of the time.
        unit = math.lcm(budget.denominator, *(c.denominator for c in data.costs))
        costs = [c.numerator * (unit // c.denominator) for c in data.costs]
        limit = budget.numerator * (unit // budget.denominator)
        share = budget / data.voters
        kept = [*free, *run_at(share)]
        self._over = None
        while self.add1:
            spent = sum(costs[q] for q in kept)
            if all(spent + costs[q] > limit for q in candidates - set(kept)):
                break
            bought = run_at(share + 1)
            total = sum(costs[q] for q in [*free, *bought])
            if total > limit:
                self._over = (bought, Fraction(total, unit))
                break
            share, kept = share + 1, [*free, *bought]
        if self.completion.endswith("greedy"):
            spent = sum(costs[q] for q in kept)
            if any(spent + costs[q] <= limit for q in range(len(data.ids)) if q not in set(kept)):
                added, _ = _greedy_completion(self.instance, data, kept, self.breaker, self.compat)
                kept += [q for q, _ in added]
        return kept, share

    def funded_at_cost(self, project_id: str, cost: Money) -> bool:
        j = self.index[project_id]
        data = self.data
        if cost == 0:
            return data.support[j] > 0 or self._plain_with(self._with_cost(j, cost), j)
        changed = self._with_cost(j, cost)
        self._choose_changed = _chooser(changed, self.breaker)  # the tie-break compares the new cost
        view = replace(
            self.view,
            cost=_set(self.view.cost, j, float(cost)),
            scale=_set(self.view.scale, j, float(changed.scale[j])),
        )
        kept, share = self._search(changed, lambda share: self._run_at_cost(share, j, changed, view))
        # Where the search stopped on an outcome with j over the budget, the cost at which it would fit.
        fits = None
        if self._over is not None and j in self._over[0]:
            fits = self.instance.budget - (self._over[1] - cost)
        self._last[j] = (cost, j in kept, fits, share)
        return j in kept

    def _with_cost(self, j: int, cost: Money) -> MesData:
        data = self.data
        costs = (*data.costs[:j], cost, *data.costs[j + 1:])
        cost_utility = self.vote_type in ("approval", "choose-1")
        scale = (*data.scale[:j], cost if cost_utility else Fraction(1), *data.scale[j + 1:])
        return replace(data, costs=costs, scale=scale)

    def _plain_with(self, data: MesData, j: int) -> bool:
        """A fresh search on changed data (no replay): for cost 0 and for added voters."""
        choose = _chooser(data, self.breaker)
        view = FastView.of(data)

        def run_at(share: Fraction) -> tuple[int, ...]:
            candidates = self._candidates(data)
            try:
                result = run_fast(data, view, share, candidates, choose, record=False)
            except CloseCall:
                result = run_exact(data, share, candidates, choose)
            return tuple(p.project for p in result.purchases)

        return j in self._selected(data, run_at)

    def funded_with_supporters(self, project_id: str, extra: int) -> bool:
        j = self.index[project_id]
        return self._plain_with(self._with_voters(j, extra), j)

    def _with_voters(self, j: int, extra: int) -> MesData:
        """The election with ``extra`` more ballots for project j alone (utility as ``extra_ballot`` gives)."""
        data = self.data
        if extra == 0:
            return data
        ballot = extra_ballot(self.instance, Profile(self.vote_type, ()), project_id=data.ids[j])
        utility = self.points if self.vote_type == "ordinal" else (ballot.points[0] if ballot.points else 1)
        group = data.groups
        supporters = list(data.supporters)
        utilities = list(data.utility)
        supporters[j] = np.append(supporters[j], group)
        utilities[j] = np.append(utilities[j], utility)
        support = list(data.support)
        support[j] += extra * utility
        return replace(
            data,
            voters=data.voters + extra,
            multiplicity=np.append(data.multiplicity, extra),
            supporters=tuple(supporters),
            utility=tuple(utilities),
            support=tuple(support),
        )


@dataclass(slots=True)
class _Base:
    """A run at one share without one project, and how far that project's cost may go, computed as asked:
    ``reach[t]``: at or below it the project may win round t; ``money``: at or below it, it may be
    affordable at the end; ``top``: above it, it changes nothing (all inflated past rounding error)."""

    purchases: tuple[Purchase, ...]
    exact: bool
    reach: list[float] = field(default_factory=list)
    money: float | None = None
    top: float | None = None
    highest: float | None = None
    """The highest cost at which this run, with the project, buys it (floats, for aiming only)."""


@dataclass(slots=True)
class _Aim:
    """The cost aimed at last for one project, and how many aims missed."""

    cost: Money | None = None
    misses: int = 0


def _set(values: np.ndarray, j: int, value: float) -> np.ndarray:
    out = values.copy()
    out[j] = value
    return out


def _threshold(run: Run, j: int, rho: float, cost_utility: bool) -> float:
    """The highest cost at which project j's supporters, as they hold now, reach price ``rho`` per unit of
    satisfaction: above it, j is dearer than ``rho`` (an upper estimate: Newton's steps from above)."""
    view = run.view
    held = run.budget[view.supporters[j]]
    mult, util = view.multiplicity[j], view.utility[j]
    if len(held) == 0:
        return 0.0
    if not cost_utility:
        return float(np.dot(mult, np.minimum(held, rho * util)))
    # Cost utility: the largest c with sum(min(b, rho * c)) >= c, found from above on a concave function.
    # Its price per unit of satisfaction is at least 1 over the supporters with money: none below that.
    if rho * float(mult[held > 0].sum()) < 1 - 1e-12:
        return 0.0
    c = float(np.dot(mult, held))
    for _ in range(100):
        rich = held > rho * c
        paid = float(np.dot(mult[~rich], held[~rich]))
        weight = float(mult[rich].sum())
        if paid + rho * c * weight >= c * (1 - 1e-15):
            return c
        if rho * weight >= 1:
            return c
        nxt = paid / (1 - rho * weight)
        if nxt >= c * (1 - 1e-12):
            return c
        c = nxt
    return c

