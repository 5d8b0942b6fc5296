"""A cast's selections checked against the budget's frozen format with ballots/, and put in canonical form."""

from __future__ import annotations

from ballots.formats import validate
from ballots.profile import Ballot
from pb.core.models import BallotFormat
from pb.voting.errors import InvalidBallot
from pb.voting.frozen import FrozenBudget
from pb.voting.receipts import Selections


def checked_selections(budget: FrozenBudget, selections: Selections) -> Selections:
    """The canonical form of valid ``selections``; InvalidBallot with every problem otherwise."""
    ballot = _as_ballot(budget.kind, selections)
    problems = validate(ballot, budget.instance, budget.format)
    if problems:
        first = problems[0]
        raise InvalidBallot(
            first.message,
            field="selections",
            reason=first.code,
            problems=[{"code": p.code, "message": p.message, "project": p.project_id} for p in problems],
        )
    if isinstance(selections, dict):
        return dict(sorted(selections.items()))
    return list(selections) if budget.kind is BallotFormat.RANKED else sorted(selections)


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
