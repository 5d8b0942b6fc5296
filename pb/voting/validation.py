"""A cast's selections checked against the budget's frozen format with ballots/, and put in canonical form."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ballots.formats import Problem, validate
from ballots.profile import Ballot
from pb.core.errors import Money
from pb.core.models import BallotFormat
from pb.i18n.lazy import LazyString, lazy_gettext
from pb.voting.errors import BallotProblem, InvalidBallot
from pb.voting.frozen import FrozenBudget
from pb.voting.receipts import Selections

MESSAGES: dict[str, LazyString] = {
    "unknown-project": lazy_gettext("there is no project %(project)s on this ballot"),
    "duplicate-project": lazy_gettext("project %(project)s is chosen twice"),
    "too-many": lazy_gettext("too many projects: %(chosen)s chosen, at most %(max_length)s allowed"),
    "too-few": lazy_gettext("too few projects: %(chosen)s chosen, at least %(min_length)s needed"),
    "over-cost-cap": lazy_gettext("over the cost cap: the chosen projects cost %(cost)s, at most %(max_sum_cost)s"),
    "under-cost-minimum": lazy_gettext(
        "under the cost minimum: the chosen projects cost %(cost)s, at least %(min_sum_cost)s"
    ),
    "unexpected-points": lazy_gettext("%(vote_type)s ballots give no points"),
    "points-mismatch": lazy_gettext(
        "every chosen project needs its points: %(points)s points for %(projects)s projects"
    ),
    "points-out-of-range": lazy_gettext(
        "project %(project)s got %(points)s points: give it from %(min_points)s to %(max_points)s"
    ),
    "points-above-range": lazy_gettext("project %(project)s got %(points)s points: give it at most %(max_points)s"),
    "points-below-range": lazy_gettext("project %(project)s got %(points)s points: give it at least %(min_points)s"),
    "too-many-points": lazy_gettext("too many points: %(total)s given, at most %(max_sum_points)s allowed"),
    "too-few-points": lazy_gettext("too few points: %(total)s given, at least %(min_sum_points)s needed"),
}
"""Each problem ballots/ finds, by its code, as a message id naming the problem's values (pb's own words: the
library's sentences are English only). Costs are pb's cents, shown as money."""
MONEY = frozenset({"cost", "max_sum_cost", "min_sum_cost"})


def checked_selections(budget: FrozenBudget, selections: Selections) -> Selections:
    """The canonical form of valid ``selections``; InvalidBallot with every problem otherwise."""
    ballot = _as_ballot(budget.kind, selections)
    problems = validate(ballot, budget.instance, budget.format)
    if problems:
        found = [_problem(p) for p in problems]
        first = found[0]
        raise InvalidBallot(first.message, field="selections", reason=first.code, problems=found, **first.values)
    if isinstance(selections, dict):
        return dict(sorted(selections.items()))
    return list(selections) if budget.kind is BallotFormat.RANKED else sorted(selections)


def _problem(problem: Problem) -> BallotProblem:
    values = {k: _value(k, v) for k, v in problem.values.items() if v is not None}
    key = problem.code
    if key == "points-out-of-range" and "min_points" not in values:
        key = "points-above-range"
    elif key == "points-out-of-range" and "max_points" not in values:
        key = "points-below-range"
    message = MESSAGES[key].message if key in MESSAGES else problem.message
    return BallotProblem(problem.code, message, values, problem.project_id)


def _value(name: str, value: int | str | Fraction) -> Any:
    if name in MONEY:
        return Money(int(value))
    return int(value) if isinstance(value, Fraction) else value


def _as_ballot(kind: BallotFormat, selections: Selections) -> Ballot:
    if kind is BallotFormat.CUMULATIVE:
        if not isinstance(selections, dict):
            raise InvalidBallot(
                "cumulative ballots give points: send {project code: points}",
                field="selections",
                reason="wrong-shape",
            )
        pairs = sorted(selections.items())
        return Ballot(tuple(code for code, _ in pairs), tuple(points for _, points in pairs))
    if isinstance(selections, dict):
        raise InvalidBallot(
            "%(value)s ballots list project codes: send [code, ...]",
            field="selections",
            reason="wrong-shape", value=kind.value,
        )
    return Ballot(tuple(selections))

