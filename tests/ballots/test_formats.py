"""Validation of one ballot against its format: precise, coded reasons."""

from __future__ import annotations

from fractions import Fraction

from ballots.formats import (
    BallotFormat,
    approval,
    choose_one,
    cumulative,
    format_from_meta,
    ordinal,
    scoring,
    validate,
)
from ballots.instance import Instance, Project
from ballots.profile import Ballot

INSTANCE = Instance(
    Fraction(100),
    (Project("a", Fraction(40)), Project("b", Fraction(50)), Project("c", Fraction(30))),
    {"vote_type": "approval", "max_length": "2", "max_sum_cost": "80"},
)


def codes(ballot: Ballot, fmt: BallotFormat | None = None) -> list[tuple[str, str | None]]:
    return [(p.code, p.project_id) for p in validate(ballot, INSTANCE, fmt)]


def test_valid_ballot_has_no_problems() -> None:
    assert validate(Ballot(("a", "c")), INSTANCE) == []


def test_unknown_and_duplicate_projects_are_named() -> None:
    assert codes(Ballot(("a", "zz")), approval()) == [("unknown-project", "zz")]
    assert codes(Ballot(("a", "a")), approval()) == [("duplicate-project", "a")]


def test_meta_limits_apply_by_default() -> None:
    problems = validate(Ballot(("a", "b", "c")), INSTANCE)
    assert [p.code for p in problems] == ["too-many", "over-cost-cap"]
    assert problems[0].message == "too many projects: 3 chosen, at most 2 allowed"
    assert problems[1].message == "over the cost cap: the chosen projects cost 120, at most 80"


def test_knapsack_ballot_rejects_total_cost_over_the_cap() -> None:
    assert codes(Ballot(("a", "b")), approval(max_sum_cost=Fraction(80))) == [("over-cost-cap", None)]


def test_choose_one_needs_exactly_one() -> None:
    assert codes(Ballot(()), choose_one()) == [("too-few", None)]
    assert codes(Ballot(("a", "b")), choose_one()) == [("too-many", None)]


def test_cumulative_points_are_checked_per_project_and_in_sum() -> None:
    fmt = cumulative(max_points=3, max_sum_points=4)
    assert codes(Ballot(("a", "b"), (4, 1)), fmt) == [("points-out-of-range", "a"), ("too-many-points", None)]
    assert codes(Ballot(("a", "b"), (0, 1)), fmt) == [("points-out-of-range", "a")]
    assert codes(Ballot(("a",), (1, 2)), fmt) == [("points-mismatch", None)]


def test_ordinal_length_and_scoring_range() -> None:
    assert codes(Ballot(("a", "b", "c")), ordinal(max_length=2)) == [("too-many", None)]
    assert codes(Ballot(("a",), (9,)), scoring(min_points=-2, max_points=2)) == [("points-out-of-range", "a")]
    assert codes(Ballot(("a",), (1,)), approval()) == [("unexpected-points", None)]


def test_format_from_meta_reads_pabulib_keys() -> None:
    fmt = format_from_meta({"vote_type": "cumulative", "max_sum_points": "3", "min_length": "1"})
    assert fmt == BallotFormat("cumulative", 1, None, None, None, 1, None, None, 3)


def test_approval_with_a_minimum_needs_enough_projects() -> None:
    problems = validate(Ballot(("a",)), INSTANCE, approval(min_length=2, max_length=3))
    assert [(p.code, p.message) for p in problems] == [
        ("too-few", "too few projects: 1 chosen, at least 2 needed")
    ]
    assert codes(Ballot(("a", "b")), approval(min_length=2, max_length=3)) == []


def test_ordinal_ballot_needs_at_least_one_ranked_project() -> None:
    assert codes(Ballot(()), ordinal()) == [("too-few", None)]


def test_cost_floor_from_meta_rejects_a_ballot_that_spends_too_little() -> None:
    instance = Instance(INSTANCE.budget, INSTANCE.projects, {"vote_type": "approval", "min_sum_cost": "60"})
    problems = validate(Ballot(("c",)), instance)
    assert [(p.code, p.message) for p in problems] == [
        ("under-cost-minimum", "under the cost minimum: the chosen projects cost 30, at least 60")
    ]
    assert validate(Ballot(("a", "c")), instance) == []


def test_cumulative_ballot_must_give_enough_points_in_sum() -> None:
    problems = validate(Ballot(("a", "b"), (1, 1)), INSTANCE, cumulative(min_sum_points=3))
    assert [(p.code, p.message) for p in problems] == [
        ("too-few-points", "too few points: 2 given, at least 3 needed")
    ]


def test_points_out_of_range_message_names_project_points_and_range() -> None:
    problems = validate(Ballot(("b",), (-3,)), INSTANCE, scoring(min_points=-2, max_points=2))
    assert [p.message for p in problems] == ["points out of range for 'b': -3, allowed -2..2"]


def test_every_problem_of_a_ballot_is_reported_at_once() -> None:
    fmt = approval(max_length=1, max_sum_cost=Fraction(50))
    assert codes(Ballot(("a", "zz", "a", "b")), fmt) == [
        ("unknown-project", "zz"),
        ("duplicate-project", "a"),
        ("too-many", None),
        ("over-cost-cap", None),
    ]


def test_format_from_meta_reads_choose_one_and_scoring() -> None:
    assert format_from_meta({"vote_type": "choose-1", "max_length": "5"}) == choose_one()
    fmt = format_from_meta({"vote_type": "scoring", "min_points": "-2", "max_points": "2"})
    assert fmt == scoring(min_points=-2, max_points=2)
