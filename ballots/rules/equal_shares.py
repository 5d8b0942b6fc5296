"""``equal-shares``: the Method of Equal Shares, with its completions.

Definition: Peters, Pierczyński and Skowron, "Proportional Participatory Budgeting with Additive Utilities"
(NeurIPS 2021), as run by equalshares.net and pabutools 1.2.3 ``method_of_equal_shares``. Every voter gets
an equal share of the budget; in each round the project whose supporters can pay for it at the lowest price
per unit of satisfaction (rho) is bought, each supporter paying rho times their satisfaction or all they
have left. Satisfaction is the project's cost for approval and choose-1 ballots (cost utilities), the points
for cumulative and scoring ballots, and positional points for ordinal ballots (first choice ``k``, then
``k - 1``...). Supported projects that cost nothing are funded first, as pabutools does.

Completions (``completion``): ``none``; ``add1`` (pb's default, equalshares.net and Pabulib
``equalshares/add1``): rerun with the per-voter endowment raised by one currency unit at a time, and keep
the first outcome that leaves no supported project affordable within the budget, or the last one before an
outcome that would exceed the budget; ``greedy``: then fund the remaining projects by decreasing support
(pabutools ``completion_by_rule_combination`` with greedy utilitarian welfare); ``add1-greedy``: both.

Ties (projects with exactly the same rho, or the same support in the greedy completion) are broken by the
tie-break: pb's default prefers the cheaper project, then more support, then a seeded lot; ``lexico`` (with
``compat="pabutools"``) the smallest id. Each tie in the returned outcome is reported. pb never funds a
project nobody supports; ``compat="pabutools"`` lets the greedy completion fund one, as pabutools does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ballots.instance import Instance, Money
from ballots.outcome import Outcome, ProjectResult, Tie
from ballots.profile import VOTE_TYPES, Profile
from ballots.rules import equal_shares_explain as why
from ballots.rules import explain
from ballots.rules.equal_shares_data import MesData, RunResult, compile_profile
from ballots.rules.equal_shares_exact import Chooser, run_exact
from ballots.rules.equal_shares_fast import CloseCall, FastView, run_fast
from ballots.rules.registry import InvalidParameter, RuleSpec, one_of, register
from ballots.support import ordinal_k
from ballots.tiebreak import TieBreak

COMPLETIONS = ("none", "add1", "greedy", "add1-greedy")


@dataclass(frozen=True, slots=True)
class Shares:
    """The outcome of the equal-shares phase: the run kept, its endowment and what the search cost."""

    run: RunResult
    free: tuple[int, ...]
    endowment: Fraction
    increments: int
    runs: int
    exact_runs: int

    @property
    def selected(self) -> list[int]:
        return [*self.free, *(p.project for p in self.run.purchases)]


class _Runner:
    """Runs equal shares at a given endowment: the float path first, the exact one on a close call."""

    def __init__(self, data: MesData, candidates: Sequence[int], choose: Chooser) -> None:
        self.data, self.candidates, self.choose = data, candidates, choose
        self.view = FastView.of(data)
        self.runs = self.exact_runs = 0

    def __call__(self, endowment: Fraction, *, record: bool = False) -> RunResult:
        self.runs += 1
        try:
            return run_fast(self.data, self.view, endowment, self.candidates, self.choose, record=record)
        except CloseCall:
            self.exact_runs += 1
            return run_exact(self.data, endowment, self.candidates, self.choose)


def equal_shares_phase(
    instance: Instance, data: MesData, choose: Chooser, *, add1: bool
) -> Shares:
    """Equal shares from an equal split of the budget, raised by 1 at a time with ``add1``."""
    candidates = [j for j, c in enumerate(data.costs) if data.support[j] > 0 and c > 0]
    free = tuple(j for j, c in enumerate(data.costs) if data.support[j] > 0 and c == 0)
    if data.voters == 0:
        return Shares(RunResult((), (0.0,) * len(data.ids), exact=True), (), Fraction(0), 0, 0, 0)
    runner = _Runner(data, candidates, choose)
    endowment = instance.budget / data.voters
    kept = Shares(runner(endowment), free, endowment, 0, 1, 0)
    while add1:
        spent = sum((data.costs[j] for j in kept.selected), Fraction(0))
        # pabutools' test: exhaustive among supported projects that cost something.
        if all(spent + data.costs[j] > instance.budget for j in set(candidates) - set(kept.selected)):
            break
        run = runner(kept.endowment + 1)
        if sum((data.costs[j] for j in free), Fraction(0)) + sum(
            (data.costs[p.project] for p in run.purchases), Fraction(0)
        ) > instance.budget:
            break
        kept = Shares(run, free, kept.endowment + 1, kept.increments + 1, 0, 0)
    # The search skipped the explanation figures; the kept endowment is run again to record them.
    final = kept.run if kept.run.left else runner(kept.endowment, record=True)
    return Shares(final, free, kept.endowment, kept.increments, runner.runs, runner.exact_runs)


def _greedy_completion(
    instance: Instance, data: MesData, selected: list[int], tie_break: TieBreak, compat: str
) -> tuple[list[tuple[int, Money]], list[Tie]]:
    """Funds the remaining projects by decreasing support while they fit; returns them with the money left."""
    costs = dict(zip(data.ids, data.costs, strict=True))
    support = {pid: Fraction(s) for pid, s in zip(data.ids, data.support, strict=True)}
    taken = set(selected)
    rest = [j for j in range(len(data.ids)) if j not in taken and (compat == "pabutools" or data.support[j])]

    def density(j: int) -> Fraction:
        # pabutools: satisfaction per cost, infinite when free; for these utilities that is the support.
        return Fraction(data.support[j]) if data.costs[j] or not data.support[j] else Fraction(10**30)

    def rank(j: int) -> tuple[Fraction, tuple[object, ...]]:
        return -density(j), tie_break.key(data.ids[j], costs=costs, support=support)

    order = sorted(rest, key=rank)
    left = instance.budget - sum((data.costs[j] for j in selected), Fraction(0))
    added: list[tuple[int, Money]] = []
    ties: list[Tie] = []
    for position, j in enumerate(order):
        if data.costs[j] > left:
            continue
        rivals = [q for q in order[position:] if density(q) == density(j) and data.costs[q] <= left]
        if len(rivals) > 1 and sum(data.costs[q] for q in rivals) > left:
            names = [data.ids[q] for q in rivals]
            _, by = tie_break.choose(names, costs=costs, support=support)
            ties.append(Tie(len(selected) + len(added) + 1, tuple(names), data.ids[j], by))
        left -= data.costs[j]
        added.append((j, left))
    return added, ties


def _chooser(data: MesData, tie_break: TieBreak) -> Chooser:
    """The tie-break over project indices, as the engines call it."""
    costs = dict(zip(data.ids, data.costs, strict=True))
    support = {pid: Fraction(s) for pid, s in zip(data.ids, data.support, strict=True)}
    index = {pid: j for j, pid in enumerate(data.ids)}

    def choose(tied: Sequence[int]) -> tuple[int, str]:
        winner, by = tie_break.choose([data.ids[j] for j in tied], costs=costs, support=support)
        return index[winner], by

    return choose


def _results(
    instance: Instance,
    data: MesData,
    shares: Shares,
    added: list[tuple[int, Money]],
    *,
    per_point: bool,
) -> tuple[list[int], dict[str, ProjectResult]]:
    """The funded projects in order of purchase, and every project's explanation."""
    results: dict[str, ProjectResult] = {}
    order: list[int] = []
    for j in shares.free:
        order.append(j)
        results[data.ids[j]] = why.free(data, j, len(order))
    for round_, purchase in enumerate(shares.run.purchases, start=1):
        order.append(purchase.project)
        results[data.ids[purchase.project]] = why.bought(data, purchase, len(order), round_, per_point)
    for j, left_after in added:
        order.append(j)
        results[data.ids[j]] = why.completed(data, j, len(order), left_after)
    left = instance.budget - sum((data.costs[j] for j in order), Fraction(0))
    for j, pid in enumerate(data.ids):
        if pid in results:
            continue
        if data.support[j] == 0:
            results[pid] = explain.no_support(pid, Fraction(0))
        else:
            results[pid] = why.rejected(data, j, shares.run, left)
    return order, results


def equal_shares(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak,
    compat: str,
    completion: str = "add1",
    ordinal_points: int | None = None,
) -> Outcome:
    """Fund projects by the Method of Equal Shares, completed as ``completion`` says."""
    if completion not in COMPLETIONS:
        raise InvalidParameter(f"unknown completion {completion!r}; choose one of {', '.join(COMPLETIONS)}")
    k = ordinal_k(instance, profile, ordinal_points) if profile.vote_type == "ordinal" else 0
    data = compile_profile(instance, profile, ordinal_points=k)
    choose = _chooser(data, tie_break)
    shares = equal_shares_phase(instance, data, choose, add1=completion.startswith("add1"))
    added: list[tuple[int, Money]] = []
    ties = [
        Tie(step, tuple(data.ids[q] for q in p.tied), data.ids[p.project], p.by)
        for step, p in enumerate(shares.run.purchases, start=len(shares.free) + 1)
        if p.tied
    ]
    selected = shares.selected
    spent = sum((data.costs[j] for j in selected), Fraction(0))
    open_projects = [j for j in range(len(data.ids)) if j not in set(selected)]
    if completion.endswith("greedy") and any(spent + data.costs[j] <= instance.budget for j in open_projects):
        added, completion_ties = _greedy_completion(instance, data, selected, tie_break, compat)
        ties += completion_ties
    per_point = profile.vote_type not in ("approval", "choose-1")
    order, results = _results(instance, data, shares, added, per_point=per_point)
    parameters: dict[str, Any] = {
        "completion": completion,
        "endowment": shares.endowment,
        "add1_increments": shares.increments,
        "runs": shares.runs,
        "exact_runs": shares.exact_runs,
        "completed_by_greedy": [data.ids[j] for j, _ in added],
    }
    if profile.vote_type == "ordinal":
        parameters["ordinal_points"] = k
    return Outcome(
        rule="equal-shares",
        parameters=parameters,
        tie_break=tie_break.name,
        selected=tuple(data.ids[j] for j in order),
        total_cost=sum((data.costs[j] for j in order), Fraction(0)),
        budget=instance.budget,
        projects=explain.ordered_results(results, instance.project_ids),
        ties=tuple(ties),
        seed=tie_break.seed,
    )


register(
    RuleSpec(
        id="equal-shares",
        description="Method of Equal Shares (Peters, Pierczyński, Skowron), completed by add1 by default",
        vote_types=frozenset(VOTE_TYPES),
        function=equal_shares,
        parameters=("completion", "ordinal_points"),
        checks={"completion": one_of(*COMPLETIONS)},
    )
)
