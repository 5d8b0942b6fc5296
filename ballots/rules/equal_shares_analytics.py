"""Method of Equal Shares analytics: effective support, what supporters paid, the per-voter share.

Definitions follow pabutools' ``pabutools.analysis.mesanalytics`` (Szufa et al.), computed exactly:

- **effective support** of a project: run equal shares without it; in every round, the money its supporters
  would put in at that round's winning price per unit of satisfaction (each paying that price times their
  satisfaction, or all they have), and at the end all they have left; the largest of these over its cost.
  Read before each purchase, 1 (100 %) or more means it would have won that round; a funded project counts
  at least 1. pabutools reads the budgets just after each purchase instead (a smaller figure): that reading
  is ``pabutools_effective_support``, and ``percent`` reports it as pabutools does, a whole percentage.
- **supporters' money**: what its supporters held when it was bought, or at the end of the run;
  **spent elsewhere**: what they had paid by then for each project bought before (pabutools' project loss).
- **paid**: what its supporters paid for it (its cost when equal shares bought it, else 0).

The run analysed is the equal-shares phase at the outcome's per-voter share (``endowment``; after add1 the
share it ended at), before any greedy completion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from ballots.instance import Instance, Money
from ballots.profile import Profile
from ballots.rules.equal_shares import _chooser
from ballots.rules.equal_shares_data import MesData, compile_profile
from ballots.rules.equal_shares_exact import Budgets, Chooser, run_exact
from ballots.support import ordinal_k
from ballots.tiebreak import TieBreak, make_tie_break


@dataclass(frozen=True, slots=True)
class ProjectAnalytics:
    """One project's equal-shares figures."""

    effective_support: Fraction
    """Read with the budgets just before each purchase: 1 or more means it would have won that round."""
    pabutools_effective_support: Fraction
    """Read as pabutools does, with the budgets just after each purchase (at that purchase's price)."""
    supporters_money: Money
    spent_elsewhere: Mapping[str, Money]
    paid: Money

    @property
    def percent(self) -> int:
        """pabutools' effective support: a whole percentage, rounded down."""
        return floor(self.pabutools_effective_support * 100)


@dataclass(frozen=True, slots=True)
class MesAnalytics:
    endowment: Money
    """The per-voter share the analysed run started from."""
    projects: Mapping[str, ProjectAnalytics]


class _Recorder:
    """Watches one exact run: per round the winning price, and what each buyer's supporters paid."""

    def __init__(self, data: MesData, watch: Sequence[int]) -> None:
        self.data, self.watch = data, [j for j in watch if data.costs[j] > 0]
        self.cover: dict[int, Money] = dict.fromkeys(self.watch, Fraction(0))
        """The largest contribution each watched project's supporters could have made, before a purchase."""
        self.cover_after: dict[int, Money] = dict.fromkeys(self.watch, Fraction(0))
        """The same with the budgets just after each purchase (pabutools' reading)."""
        self.last_rho: Fraction | None = None
        self.bought: list[tuple[int, dict[int, Money]]] = []
        """Per purchase, the project and what each supporting group paid per voter."""
        self.money_before: dict[int, Money] = {}
        self.final: Budgets | None = None

    def __call__(self, budgets: Budgets, rho: Fraction | None, chosen: int | None) -> None:
        data = self.data
        bought = {q for q, _ in self.bought}
        for j in self.watch:
            if j in bought:
                continue
            if j != chosen:
                self.cover[j] = max(self.cover[j], _contribution(data, budgets, j, rho))
            if self.bought:
                after = _contribution(data, budgets, j, self.last_rho)
                self.cover_after[j] = max(self.cover_after[j], after)
            if chosen is None:
                self.cover_after[j] = max(self.cover_after[j], _contribution(data, budgets, j, None))
        self.last_rho = rho
        if chosen is None:
            self.final = budgets
            return
        assert rho is not None
        self.money_before[chosen] = _money(data, budgets, chosen)
        price = rho * data.scale[chosen]
        groups = data.supporters[chosen]
        paid = {
            int(g): min(budgets.value[int(budgets.cls[g])], price * int(u))
            for g, u in zip(groups, data.utility[chosen], strict=True)
        }
        self.bought.append((chosen, paid))


def _money(data: MesData, budgets: Budgets, j: int) -> Money:
    triples, _, _ = budgets.pairs(j)
    return sum((b * n for b, _, n in triples), Fraction(0))


def _contribution(data: MesData, budgets: Budgets, j: int, rho: Fraction | None) -> Money:
    """What project j's supporters would pay at price ``rho`` per unit of satisfaction (None: everything)."""
    if len(data.supporters[j]) == 0:
        return Fraction(0)
    triples, _, _ = budgets.pairs(j)
    if rho is None:
        return sum((b * n for b, _, n in triples), Fraction(0))
    return sum((min(b, rho * data.scale[j] * u) * n for b, u, n in triples), Fraction(0))


def _spent_elsewhere(data: MesData, recorder: _Recorder, j: int, upto: int) -> dict[str, Money]:
    """What project j's supporters paid for each of the first ``upto`` purchases."""
    mine = set(data.supporters[j].tolist())
    mult = data.multiplicity
    spent: dict[str, Money] = {}
    for q, paid in recorder.bought[:upto]:
        if q == j:
            continue
        total = sum((amount * int(mult[g]) for g, amount in paid.items() if g in mine), Fraction(0))
        if total:
            spent[data.ids[q]] = total
    return spent


def mes_analytics(
    instance: Instance,
    profile: Profile,
    *,
    endowment: Money | None = None,
    tie_break: TieBreak | None = None,
    ordinal_points: int | None = None,
) -> MesAnalytics:
    """The equal-shares analytics of every project at ``endowment`` per voter (default: budget / voters)."""
    k = ordinal_k(instance, profile, ordinal_points) if profile.vote_type == "ordinal" else 0
    data = compile_profile(instance, profile, ordinal_points=k)
    choose = _chooser(data, tie_break or make_tie_break("default"))
    share = endowment if endowment is not None else (
        instance.budget / data.voters if data.voters else Fraction(0)
    )
    candidates = [j for j, c in enumerate(data.costs) if data.support[j] > 0 and c > 0]
    base = _Recorder(data, range(len(data.ids)))
    run_exact(data, share, candidates, choose, base)
    order = [q for q, _ in base.bought]
    results: dict[str, ProjectAnalytics] = {}
    for j, pid in enumerate(data.ids):
        results[pid] = _project(data, share, candidates, choose, base, order, j)
    return MesAnalytics(share, results)


def _project(
    data: MesData,
    share: Money,
    candidates: Sequence[int],
    choose: Chooser,
    base: _Recorder,
    order: list[int],
    j: int,
) -> ProjectAnalytics:
    cost = data.costs[j]
    if j in order:
        position = order.index(j)
        without = _Recorder(data, [j])
        run_exact(data, share, [c for c in candidates if c != j], choose, without)
        effective = max(without.cover[j] / cost, Fraction(1)) if cost else Fraction(1)
        reference = max(without.cover_after[j] / cost, Fraction(1)) if cost else Fraction(1)
        return ProjectAnalytics(
            effective, reference, base.money_before[j], _spent_elsewhere(data, base, j, position), cost
        )
    assert base.final is not None
    money = _money(data, base.final, j) if len(data.supporters[j]) else Fraction(0)
    if cost == 0:
        effective = reference = Fraction(1) if data.support[j] > 0 else Fraction(0)
    else:
        effective, reference = base.cover[j] / cost, base.cover_after[j] / cost
    spent = _spent_elsewhere(data, base, j, len(order))
    return ProjectAnalytics(effective, reference, money, spent, Fraction(0))

