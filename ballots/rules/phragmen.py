"""Sequential Phragmén for approval ballots.

Definition: Phragmén (1894), as adapted to participatory budgeting by Los, Christoff and Grossi,
"Proportionality in Approval-Based Participatory Budgeting" (AAAI 2022), and implemented by pabutools
``sequential_phragmen``. Voters earn virtual money continuously; a project is bought as soon as its
supporters together hold its cost, which evens out their loads. Each step buys the project whose purchase
gives the smallest new maximal load ``(sum of supporters' loads + cost) / supporters``. The rule stops at the
first project so chosen that does not fit the money left. Projects costing more than the whole budget are
never considered.

Ties (equal new maximal load, compared exactly) go to the tie-break. pb stops when the winner of the tie
does not fit and never funds a project nobody approved; ``compat="pabutools"`` stops when any project of
the tie does not fit and funds unapproved projects last, as pabutools does.

Loads are exact rationals. Every voter's load is one of the maximal loads reached so far ("levels"), so a
project's supporters' load is kept as voter counts per level; floats shortlist the next project and exact
arithmetic over those counts decides it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ballots import reasons
from ballots.instance import Instance
from ballots.outcome import Outcome, ProjectResult, Tie
from ballots.profile import Profile
from ballots.rules import explain
from ballots.rules.registry import RuleSpec, register
from ballots.support import CompiledProfile, IntArray, compile_profile
from ballots.tiebreak import TieBreak

SHORTLIST_TOLERANCE = 1e-9
"""Relative gap within which float estimates are re-checked exactly; far above float rounding error."""


def _groups_by_project(compiled: CompiledProfile) -> list[IntArray]:
    """For each project, the distinct ballots that approve it."""
    owner = compiled.group_of_item()
    order = np.argsort(compiled.items, kind="stable")
    bounds = np.searchsorted(compiled.items[order], np.arange(len(compiled.project_ids) + 1))
    return [owner[order[bounds[j] : bounds[j + 1]]] for j in range(len(compiled.project_ids))]


class _Loads:
    """Voter loads as counts per level: ``weights[j, t]`` supporters of project j carry load ``levels[t]``."""

    def __init__(self, compiled: CompiledProfile, steps: int) -> None:
        self.compiled = compiled
        self.levels: list[Fraction] = [Fraction(0)]
        self.weights = np.zeros((len(compiled.project_ids), steps + 1), dtype=np.int64)
        self.weights[:, 0] = compiled.approvals
        self.group_level = np.zeros(compiled.group_count, dtype=np.int64)
        self.by_project = _groups_by_project(compiled)

    def estimate(self) -> np.ndarray:
        """Each project's supporters' total load, in floats."""
        levels = np.array([float(x) for x in self.levels], dtype=np.float64)
        return self.weights[:, : len(self.levels)].astype(np.float64) @ levels

    def exact(self, j: int) -> Fraction:
        row = self.weights[j]
        return sum((self.levels[t] * int(row[t]) for t in range(len(self.levels)) if row[t]), Fraction(0))

    def raise_to(self, j: int, load: Fraction) -> None:
        """Project j is bought: its supporters' loads all become ``load``, a new level."""
        self.levels.append(load)
        level = len(self.levels) - 1
        c = self.compiled
        groups = self.by_project[j]
        starts, ends = c.offsets[groups], c.offsets[groups + 1]
        lengths = ends - starts
        # The positions in ``items`` of every ballot of these groups, gathered without a Python loop.
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        items = c.items[positions]
        mult = np.repeat(c.multiplicity[groups], lengths)
        np.subtract.at(self.weights, (items, np.repeat(self.group_level[groups], lengths)), mult)
        np.add.at(self.weights, (items, np.full_like(items, level)), mult)
        self.group_level[groups] = level


def _best(loads: _Loads, remaining: list[int], compiled: CompiledProfile) -> tuple[Fraction, list[int]]:
    """The smallest new maximal load among approved remaining projects, and the projects reaching it."""
    approved = [j for j in remaining if compiled.approvals[j] > 0]
    if not approved:
        return Fraction(-1), []
    estimate = loads.estimate()
    values = {j: (estimate[j] + float(compiled.costs[j])) / float(compiled.approvals[j]) for j in approved}
    floor = min(values.values())
    shortlist = [j for j in approved if values[j] <= floor + abs(floor) * SHORTLIST_TOLERANCE + 1e-300]
    exact = {j: (loads.exact(j) + compiled.costs[j]) / int(compiled.approvals[j]) for j in shortlist}
    best = min(exact.values())
    return best, [j for j in shortlist if exact[j] == best]


def phragmen(instance: Instance, profile: Profile, *, tie_break: TieBreak, compat: str) -> Outcome:
    """Sequential Phragmén; see the module docstring."""
    compiled = compile_profile(instance, profile)
    ids = compiled.project_ids
    support = compiled.support_map()
    costs = dict(zip(ids, compiled.costs, strict=True))
    results: dict[str, ProjectResult] = {}
    remaining = []
    for j, pid in enumerate(ids):
        if costs[pid] > instance.budget:
            why = reasons.over_budget(costs[pid], instance.budget)
            results[pid] = explain.result(pid, support[pid], why)
        else:
            remaining.append(j)
    loads = _Loads(compiled, len(remaining))
    selected: list[str] = []
    ties: list[Tie] = []
    left = instance.budget
    over = ""
    while remaining and not over:
        load, tied = _best(loads, remaining, compiled)
        if not tied:
            if compat == "pb":
                break
            tied = remaining  # pabutools buys unapproved projects last, at an infinite load
        names = [ids[j] for j in tied]
        chosen, by = tie_break.choose(names, costs=costs, support=support)
        blocking = names if compat == "pabutools" else [chosen]
        if any(costs[p] > left for p in blocking):
            over = next(p for p in blocking if costs[p] > left)
            results[over] = explain.result(over, support[over], reasons.not_affordable(costs[over], left))
            remaining.remove(ids.index(over))
            break
        if len(names) > 1:
            ties.append(
                Tie(
                    len(selected) + 1, tuple(tie_break.order(names, costs=costs, support=support)), chosen, by
                )
            )
        j = ids.index(chosen)
        remaining.remove(j)
        if compiled.approvals[j] > 0:
            loads.raise_to(j, load)
        left -= costs[chosen]
        selected.append(chosen)
        why = reasons.funded_in_order(len(selected), costs[chosen], left)
        results[chosen] = explain.result(chosen, support[chosen], why)
    for j in remaining:
        pid = ids[j]
        if compiled.approvals[j] == 0 and (compat == "pb" or not over):
            results[pid] = explain.no_support(pid, support[pid])
        else:
            results[pid] = explain.result(pid, support[pid], reasons.not_reached(over))
    explain.ties_lost(results, ties)
    return Outcome(
        rule="phragmen",
        parameters={},
        tie_break=tie_break.name,
        selected=tuple(selected),
        total_cost=instance.budget - left,
        budget=instance.budget,
        projects=explain.ordered_results(
            results, tuple(selected) + tuple(p for p in ids if p not in selected)
        ),
        ties=tuple(ties),
        seed=tie_break.seed,
    )


register(
    RuleSpec(
        "phragmen",
        "sequential Phragmén: buy what evens out voters' loads best, stop at the first that does not fit",
        frozenset({"approval", "choose-1"}),
        phragmen,
    )
)
