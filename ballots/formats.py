"""Ballot formats and the validation of one ballot against its format.

A format says what a valid ballot looks like: how many projects it may name, how much their costs may add up
to (the "knapsack" approval ballot), how many points each project and the whole ballot may get. Pabulib
describes it in META (``min_length``, ``max_length``, ``min_sum_cost``, ``max_sum_cost``, ``min_points``,
``max_points``, ``min_sum_points``, ``max_sum_points``); ``format_from_meta`` reads it from there.

``validate`` returns every problem with a stable ``code`` for programs, a ``message`` for residents, and the
``values`` the message names, for programs that word it themselves (in another language, say).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ballots.instance import Instance, Money
from ballots.profile import VOTE_TYPES, Ballot, VoteType


def amount(value: Fraction | int) -> str:
    """Money for people: ``12,000``, ``827,838.5``, ``1,234.33`` (rounded to cents if needed)."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    text = f"{float(value):,.2f}"
    return text.rstrip("0").rstrip(".") if value * 100 == int(value * 100) else text


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a ballot is invalid."""

    code: str
    """Stable identifier: unknown-project, duplicate-project, too-many, too-few, over-cost-cap, ..."""
    message: str
    project_id: str | None = None
    values: Mapping[str, int | str | Fraction | None] = field(default_factory=dict)
    """What ``message`` names, by the problem's code: ``chosen`` and ``max_length``/``min_length`` (too-many,
    too-few), ``cost`` and ``max_sum_cost``/``min_sum_cost`` (over-cost-cap, under-cost-minimum, in the instance's
    money), ``project`` (unknown-project, duplicate-project, points-out-of-range, with ``points``,
    ``min_points``, ``max_points``), ``vote_type`` (unexpected-points), ``points`` and ``projects``
    (points-mismatch), ``total`` and ``max_sum_points``/``min_sum_points`` (too-many-points, too-few-points)."""


@dataclass(frozen=True, slots=True)
class BallotFormat:
    """What a valid ballot of one vote type looks like; None means no limit."""

    vote_type: VoteType
    min_length: int = 0
    max_length: int | None = None
    min_sum_cost: Money | None = None
    max_sum_cost: Money | None = None
    min_points: int | None = None
    """Fewest points one project may get (cumulative and scoring ballots)."""
    max_points: int | None = None
    min_sum_points: int | None = None
    max_sum_points: int | None = None

    @property
    def has_points(self) -> bool:
        return self.vote_type in ("cumulative", "scoring")


def approval(
    *, min_length: int = 0, max_length: int | None = None, max_sum_cost: Money | None = None
) -> BallotFormat:
    """An approval ballot, optionally limited in count and in total cost (the knapsack ballot)."""
    return BallotFormat("approval", min_length, max_length, max_sum_cost=max_sum_cost)


def choose_one() -> BallotFormat:
    return BallotFormat("choose-1", 1, 1)


def cumulative(
    *, max_points: int | None = None, max_sum_points: int | None = None, min_sum_points: int | None = None
) -> BallotFormat:
    """Points to share among projects; each project gets at least 1 point."""
    return BallotFormat(
        "cumulative",
        min_points=1,
        max_points=max_points,
        max_sum_points=max_sum_points,
        min_sum_points=min_sum_points,
    )


def ordinal(*, min_length: int = 1, max_length: int | None = None) -> BallotFormat:
    """A ranking, best first."""
    return BallotFormat("ordinal", min_length, max_length)


def scoring(*, min_points: int, max_points: int) -> BallotFormat:
    """A score in a range for each project rated."""
    return BallotFormat("scoring", min_points=min_points, max_points=max_points)


def _number(meta: Mapping[str, str], key: str) -> Fraction | None:
    text = meta.get(key, "").strip()
    if not text:
        return None
    try:
        return Fraction(text)
    except ValueError:
        raise ValueError(f"META {key} is not a number: {text!r}") from None


def _whole(meta: Mapping[str, str], key: str) -> int | None:
    value = _number(meta, key)
    return None if value is None else int(value)


def format_from_meta(meta: Mapping[str, str], vote_type: VoteType | None = None) -> BallotFormat:
    """The format Pabulib META describes; ``vote_type`` defaults to META ``vote_type`` (else approval)."""
    kind = vote_type or meta.get("vote_type", "approval").strip()
    if kind not in VOTE_TYPES:
        raise ValueError(f"unknown vote type {kind!r}")
    single = kind == "choose-1"
    min_points = _whole(meta, "min_points")
    return BallotFormat(
        vote_type=kind,
        min_length=1 if single else (_whole(meta, "min_length") or 0),
        max_length=1 if single else _whole(meta, "max_length"),
        min_sum_cost=_number(meta, "min_sum_cost"),
        max_sum_cost=_number(meta, "max_sum_cost"),
        min_points=min_points if min_points is not None or kind != "cumulative" else 1,
        max_points=_whole(meta, "max_points"),
        min_sum_points=_whole(meta, "min_sum_points"),
        max_sum_points=_whole(meta, "max_sum_points"),
    )


def validate(ballot: Ballot, instance: Instance, ballot_format: BallotFormat | None = None) -> list[Problem]:
    """Every problem of ``ballot`` under ``ballot_format`` (default: the instance's META); empty if valid."""
    fmt = ballot_format or format_from_meta(instance.meta)
    costs = {p.id: p.cost for p in instance.projects}
    problems = _identity_problems(ballot, costs)
    problems += _length_problems(len(ballot.choices), fmt)
    chosen_cost = sum((costs[c] for c in ballot.choices if c in costs), Fraction(0))
    if fmt.max_sum_cost is not None and chosen_cost > fmt.max_sum_cost:
        cap = amount(fmt.max_sum_cost)
        message = f"over the cost cap: the chosen projects cost {amount(chosen_cost)}, at most {cap}"
        values: dict[str, Fraction] = {"cost": chosen_cost, "max_sum_cost": fmt.max_sum_cost}
        problems.append(Problem("over-cost-cap", message, values=values))
    if fmt.min_sum_cost is not None and chosen_cost < fmt.min_sum_cost:
        floor = amount(fmt.min_sum_cost)
        message = f"under the cost minimum: the chosen projects cost {amount(chosen_cost)}, at least {floor}"
        problems.append(
            Problem("under-cost-minimum", message, values={"cost": chosen_cost, "min_sum_cost": fmt.min_sum_cost})
        )
    return problems + _point_problems(ballot, fmt)


def _identity_problems(ballot: Ballot, costs: Mapping[str, Money]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for choice in ballot.choices:
        if choice not in costs:
            problems.append(Problem("unknown-project", f"unknown project {choice!r}", choice, {"project": choice}))
        elif choice in seen:
            problems.append(
                Problem("duplicate-project", f"project {choice!r} is chosen twice", choice, {"project": choice})
            )
        seen.add(choice)
    return problems


def _length_problems(length: int, fmt: BallotFormat) -> list[Problem]:
    if fmt.max_length is not None and length > fmt.max_length:
        message = f"too many projects: {length} chosen, at most {fmt.max_length} allowed"
        return [Problem("too-many", message, values={"chosen": length, "max_length": fmt.max_length})]
    if length < fmt.min_length:
        message = f"too few projects: {length} chosen, at least {fmt.min_length} needed"
        return [Problem("too-few", message, values={"chosen": length, "min_length": fmt.min_length})]
    return []


def _point_problems(ballot: Ballot, fmt: BallotFormat) -> list[Problem]:
    if not fmt.has_points:
        if ballot.points:
            message = f"{fmt.vote_type} ballots give no points"
            return [Problem("unexpected-points", message, values={"vote_type": fmt.vote_type})]
        return []
    if len(ballot.points) != len(ballot.choices):
        count = f"{len(ballot.points)} points for {len(ballot.choices)} projects"
        sizes = {"points": len(ballot.points), "projects": len(ballot.choices)}
        return [Problem("points-mismatch", f"every chosen project needs its points: {count}", values=sizes)]
    problems = []
    for choice, points in zip(ballot.choices, ballot.points, strict=True):
        low, high = fmt.min_points, fmt.max_points
        if (low is not None and points < low) or (high is not None and points > high):
            allowed = f"{'' if low is None else low}..{'' if high is None else high}"
            message = f"points out of range for {choice!r}: {points}, allowed {allowed}"
            values: dict[str, int | str | None] = {"project": choice, "points": points, "min_points": low,
                                                   "max_points": high}
            problems.append(Problem("points-out-of-range", message, choice, values))
    total = sum(ballot.points)
    if fmt.max_sum_points is not None and total > fmt.max_sum_points:
        message = f"too many points: {total} given, at most {fmt.max_sum_points} allowed"
        problems.append(Problem("too-many-points", message, values={"total": total,
                                                                     "max_sum_points": fmt.max_sum_points}))
    if fmt.min_sum_points is not None and total < fmt.min_sum_points:
        message = f"too few points: {total} given, at least {fmt.min_sum_points} needed"
        problems.append(Problem("too-few-points", message, values={"total": total,
                                                                    "min_sum_points": fmt.min_sum_points}))
    return problems
