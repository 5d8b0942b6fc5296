"""Greedy rules: fund projects in order of support until the money runs out.

Definitions (Pabulib's ``greedy`` family; Faliszewski et al., "Participatory Budgeting: Data, Tools, and
Analysis", IJCAI 2023; pabutools ``greedy_utilitarian_welfare``):

- ``greedy``: projects by decreasing support (approvals, points, or positional score); a project that no
  longer fits is skipped and the next one is tried.
- ``greedy-no-skip``: the same order, stopping at the first project that does not fit (Gdynia, Wrocław).
- ``greedy-threshold``: ``greedy`` after dropping projects whose support is below ``threshold`` (default:
  META ``min_project_score_threshold``, else 0).
- ``greedy-cost``: ``greedy`` by support per unit of cost (pabutools' greedy with cardinality satisfaction).

Ties (equal support, or equal support per cost) are broken by the tie-break: the default prefers the cheaper
project, then more support, then a seeded lot; ``lexico`` the smallest id. A tie is reported when the
tied projects that fit cannot all be bought, so that the tie-break decided what was funded.

pb never funds a project with no support. With ``compat="pabutools"`` such projects come last and are
funded if money is left, and a free project counts as having no support (pabutools' cost satisfaction gives
it zero welfare), as pabutools does.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ballots import reasons
from ballots.instance import Instance, Money
from ballots.outcome import Outcome, ProjectResult, Tie
from ballots.profile import VOTE_TYPES, Profile
from ballots.rules import explain
from ballots.rules.registry import InvalidParameter, RuleSpec, non_negative_number, register
from ballots.support import ordinal_k
from ballots.support import support as support_of
from ballots.tiebreak import TieBreak

INFINITY = Fraction(10**30)
"""Ranks free projects first under greedy-cost; far above any real support per cost."""

Score = Callable[[Fraction, Money], Fraction]


def _by_support(support: Fraction, cost: Money) -> Fraction:
    return support


def _by_support_per_cost(support: Fraction, cost: Money) -> Fraction:
    return support / cost if cost else INFINITY


def _pabutools_score(score: Score) -> Score:
    """pabutools' satisfaction density: zero when the project's total satisfaction is not positive."""

    def density(support: Fraction, cost: Money) -> Fraction:
        welfare = support * cost if score is _by_support else support
        return score(support, cost) if welfare > 0 else Fraction(0)

    return density


def run_greedy(
    instance: Instance,
    profile: Profile,
    *,
    rule: str,
    tie_break: TieBreak,
    compat: str,
    score: Score = _by_support,
    skip: bool = True,
    threshold: Fraction | None = None,
    ordinal_points: int | None = None,
    parameters: dict[str, Any] | None = None,
) -> Outcome:
    """The greedy scheme behind every rule of this module."""
    support = support_of(instance, profile, ordinal_points=ordinal_points)
    costs = {p.id: p.cost for p in instance.projects}
    results: dict[str, ProjectResult] = {}
    candidates = []
    for pid in instance.project_ids:
        if threshold is not None and support[pid] < threshold:
            results[pid] = explain.result(pid, support[pid], reasons.below_threshold(support[pid], threshold))
        elif compat == "pb" and support[pid] <= 0:
            results[pid] = explain.no_support(pid, support[pid])
        else:
            candidates.append(pid)
    rank = _pabutools_score(score) if compat == "pabutools" else score
    scores = {pid: rank(support[pid], costs[pid]) for pid in candidates}
    order = sorted(candidates, key=lambda p: (-scores[p], tie_break.key(p, costs=costs, support=support)))
    selected: list[str] = []
    ties: list[Tie] = []
    left = instance.budget
    stopped_at: str | None = None
    for position, pid in enumerate(order):
        if stopped_at is not None:
            results[pid] = explain.result(pid, support[pid], reasons.not_reached(stopped_at))
        elif costs[pid] <= left:
            rivals = [
                q for q in order[position:] if scores[q] == scores[pid] and (costs[q] <= left or not skip)
            ]
            if len(rivals) > 1 and sum(costs[q] for q in rivals) > left:
                _, by = tie_break.choose(rivals, costs=costs, support=support)
                ties.append(Tie(len(selected) + 1, tuple(rivals), pid, by))
            left -= costs[pid]
            selected.append(pid)
            why = reasons.funded_in_order(len(selected), costs[pid], left)
            results[pid] = explain.result(pid, support[pid], why)
        else:
            results[pid] = explain.result(pid, support[pid], reasons.not_affordable(costs[pid], left))
            if not skip:
                stopped_at = pid
    explain.ties_lost(results, ties)
    listing = tuple(order) + tuple(p for p in instance.project_ids if p not in scores)
    params = dict(parameters or {})
    if profile.vote_type == "ordinal":
        params["ordinal_points"] = ordinal_k(instance, profile, ordinal_points)
    return Outcome(
        rule=rule,
        parameters=params,
        tie_break=tie_break.name,
        selected=tuple(selected),
        total_cost=instance.budget - left,
        budget=instance.budget,
        projects=explain.ordered_results(results, listing),
        ties=tuple(ties),
        seed=tie_break.seed,
    )


def greedy(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak,
    compat: str,
    ordinal_points: int | None = None,
) -> Outcome:
    """Fund by decreasing support, skipping projects that no longer fit."""
    return run_greedy(
        instance, profile, rule="greedy", tie_break=tie_break, compat=compat, ordinal_points=ordinal_points
    )


def greedy_no_skip(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak,
    compat: str,
    ordinal_points: int | None = None,
) -> Outcome:
    """Fund by decreasing support, stopping at the first project that does not fit."""
    return run_greedy(
        instance,
        profile,
        rule="greedy-no-skip",
        tie_break=tie_break,
        compat=compat,
        skip=False,
        ordinal_points=ordinal_points,
    )


def meta_threshold(instance: Instance) -> Fraction:
    """META ``min_project_score_threshold``, or 0 when the file gives none."""
    text = instance.meta.get("min_project_score_threshold", "").strip()
    try:
        return Fraction(text) if text else Fraction(0)
    except ValueError:
        raise InvalidParameter(f"META min_project_score_threshold is not a number: {text!r}") from None


def greedy_threshold(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak,
    compat: str,
    threshold: int | str | Fraction | None = None,
    ordinal_points: int | None = None,
) -> Outcome:
    """Greedy among the projects whose support reaches ``threshold``."""
    try:
        floor = meta_threshold(instance) if threshold is None else Fraction(threshold)
    except ValueError:
        raise InvalidParameter(f"threshold is not a number: {threshold!r}") from None
    return run_greedy(
        instance,
        profile,
        rule="greedy-threshold",
        tie_break=tie_break,
        compat=compat,
        threshold=floor,
        ordinal_points=ordinal_points,
        parameters={"threshold": floor},
    )


def greedy_cost(
    instance: Instance,
    profile: Profile,
    *,
    tie_break: TieBreak,
    compat: str,
    ordinal_points: int | None = None,
) -> Outcome:
    """Fund by decreasing support per unit of cost, skipping projects that no longer fit."""
    return run_greedy(
        instance,
        profile,
        rule="greedy-cost",
        tie_break=tie_break,
        compat=compat,
        score=_by_support_per_cost,
        ordinal_points=ordinal_points,
    )


ALL_TYPES = frozenset(VOTE_TYPES)
register(
    RuleSpec(
        "greedy", "by support, skipping projects that no longer fit", ALL_TYPES, greedy, ("ordinal_points",)
    )
)
register(
    RuleSpec(
        "greedy-no-skip",
        "by support, stopping at the first project that does not fit",
        ALL_TYPES,
        greedy_no_skip,
        ("ordinal_points",),
    )
)
register(
    RuleSpec(
        "greedy-threshold",
        "greedy among projects whose support reaches a minimum",
        ALL_TYPES,
        greedy_threshold,
        ("threshold", "ordinal_points"),
        {"threshold": non_negative_number},
    )
)
register(
    RuleSpec(
        "greedy-cost",
        "by support per unit of cost, skipping what no longer fits",
        ALL_TYPES,
        greedy_cost,
        ("ordinal_points",),
    )
)
