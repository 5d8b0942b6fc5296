"""Turning a frozen budget configuration and its canonical ballots into a ballots/ tally, and back into JSON.

Pure functions on plain data (a budget's frozen configuration, pb.rounds.frozen_config, and the board's selections), so
that the service, ``pb verify`` and the exports count in exactly the same way. Money is tallied in euros
(exact fractions of the stored cents), so that equal shares' "add one currency unit" means one euro, as on
equalshares.net, Pabulib and in pabutools.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballots.closeness import HowClose, how_close
from ballots.instance import Instance, Project
from ballots.outcome import Outcome
from ballots.profile import Ballot, Profile, VoteType
from ballots.reasons import reason_to_json
from ballots.results import how_close_to_json
from ballots.rules import tally
from pb.rounds.frozen_config import BudgetConfig

VOTE_TYPES: dict[str, VoteType] = {
    "approval": "approval", "knapsack": "approval", "cumulative": "cumulative", "ranked": "ordinal",
}
COMPAT = "pb"
Selections = list[str] | dict[str, int]


def euros(cents: int) -> Fraction:
    return Fraction(int(cents), 100)


def cents(amount: Fraction) -> int:
    value = amount * 100
    if value.denominator != 1:
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(value)


def format_meta(budget: BudgetConfig) -> dict[str, str]:
    """The budget's ballot limits as Pabulib META keys (which ballots/ also reads)."""
    kind = budget.ballot_format
    meta = {"vote_type": VOTE_TYPES[kind], "min_length": str(budget.min_selections)}
    if budget.max_selections is not None:
        meta["max_length"] = str(budget.max_selections)
    if kind == "knapsack" and budget.max_cost is not None:
        meta["max_sum_cost"] = _decimal(euros(budget.max_cost))
    if kind == "cumulative":
        meta["min_points"] = "1"
        if budget.max_points_per_project is not None:
            meta["max_points"] = str(budget.max_points_per_project)
        if budget.max_total_points is not None:
            meta["max_sum_points"] = str(budget.max_total_points)
    return meta


def _decimal(amount: Fraction) -> str:
    return f"{cents(amount) / 100:.2f}" if amount.denominator != 1 else str(amount.numerator)


def instance_of(budget: BudgetConfig) -> Instance:
    """The budget of a frozen configuration as a ballots/ instance; project ids are the public codes."""
    projects = tuple(Project(p.code, euros(p.cost)) for p in budget.projects)
    return Instance(euros(budget.amount), projects, meta=format_meta(budget))


def ballot_of(selections: Selections, *, voter_id: str = "", metadata: Mapping[str, str] | None = None) -> Ballot:
    if isinstance(selections, dict):
        pairs = sorted(selections.items())
        return Ballot(tuple(c for c, _ in pairs), tuple(int(p) for _, p in pairs), voter_id, metadata or {})
    return Ballot(tuple(selections), (), voter_id, metadata or {})


def profile_of(budget: BudgetConfig, ballots: Iterable[Selections]) -> Profile:
    return Profile(VOTE_TYPES[budget.ballot_format], tuple(ballot_of(s) for s in ballots))


def seed_for(config_hash: str, budget_id: int) -> int:
    """The lot's seed: fixed by the configuration frozen before anyone voted, so nobody can choose it."""
    return int(hashlib.sha256(f"pb-lot:{config_hash}:{budget_id}".encode()).hexdigest()[:12], 16)


def count(budget: BudgetConfig, ballots: Sequence[Selections], *, seed: int) -> Outcome:
    """Apply the budget's rule with its parameters and tie-break to the ballots."""
    params = {str(k): v for k, v in budget.rule_params.items()}
    return tally(
        instance_of(budget), profile_of(budget, ballots), rule=budget.rule, tie_break=budget.tie_break, seed=seed,
        compat=COMPAT, **params,
    )


HOW_CLOSE_WORK_LIMIT = 2_000_000
"""Ballots x projects beyond which the tally leaves how-close out for rules other than greedy: equal shares and
Phragmén answer it by re-running the rule many times (minutes on a city: Łódź 2022 is 90,494 x 160), and the
tally runs while an official waits. Reasons and figures are kept either way."""


def closeness_affordable(budget: BudgetConfig, ballot_count: int) -> bool:
    """Whether the tally computes how close each project came (always for the greedy family, which is cheap)."""
    if budget.rule.startswith("greedy"):
        return True
    return ballot_count * len(budget.projects) <= HOW_CLOSE_WORK_LIMIT


def closeness(
    budget: BudgetConfig, ballots: Sequence[Selections], outcome: Outcome, *, seed: int
) -> dict[str, HowClose]:
    """How close each project came under the budget's rule, all else unchanged (``ballots.closeness``)."""
    params = {str(k): v for k, v in budget.rule_params.items() if v is not None}
    return how_close(
        instance_of(budget), profile_of(budget, ballots), rule=budget.rule, selected=outcome.selected,
        tie_break=budget.tie_break, seed=seed, compat=COMPAT, **params,
    )


def jsonable(value: Any) -> Any:
    """Fractions as integers or "p/q" strings, tuples as lists: plain JSON with nothing lost."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    return value


def outcome_json(
    outcome: Outcome, budget: BudgetConfig, close: Mapping[str, HowClose] | None = None
) -> dict[str, Any]:
    """The stored and published form of an outcome; money in cents, every project with its reason code and
    figures (in euros, exact) and, when ``close`` is given, its how-close figures, so that a published
    result can be explained in any language without tallying again."""
    costs = {p.code: p.cost for p in budget.projects}
    return {
        "rule": outcome.rule,
        "parameters": jsonable(outcome.parameters),
        "tie_break": outcome.tie_break,
        "seed": outcome.seed,
        "compat": COMPAT,
        "selected": list(outcome.selected),
        "total_cost": cents(outcome.total_cost),
        "budget": cents(outcome.budget),
        "leftover": cents(outcome.leftover),
        "ties": [
            {"step": t.step, "candidates": list(t.candidates), "chosen": t.chosen, "by": t.by} for t in outcome.ties
        ],
        "projects": [
            {
                "code": r.project_id,
                "cost": costs[r.project_id],
                "status": r.status,
                "support": jsonable(r.support),
                "reason": reason_to_json(r.reason),
                **({"how_close": how_close_to_json(close[r.project_id])} if close is not None else {}),
            }
            for r in sorted(outcome.projects, key=lambda r: r.project_id)
        ],
    }


def reason_code(entry: Mapping[str, Any]) -> str:
    """A stored project's reason code (outcomes stored before reason codes kept an English sentence)."""
    reason = entry["reason"]
    return str(reason["code"]) if isinstance(reason, Mapping) else str(reason)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
