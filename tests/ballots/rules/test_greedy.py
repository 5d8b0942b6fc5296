"""The greedy family and Phragmén on hand-made elections whose outcome is known."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballots import reasons
from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile
from ballots.rules import InvalidParameter, RuleNotApplicable, UnknownRule, tally


def election(
    costs: dict[str, int], budget: int, votes: list[str], meta: dict[str, str] | None = None
) -> tuple[Instance, Profile]:
    projects = tuple(Project(pid, Fraction(c)) for pid, c in costs.items())
    ballots = tuple(Ballot(tuple(v.split(",")) if v else (), (), str(i)) for i, v in enumerate(votes))
    return Instance(Fraction(budget), projects, meta or {}), Profile("approval", ballots)


# a: 3 votes, b: 2 votes, c: 1 vote, d: none
ELECTION = election({"a": 60, "b": 50, "c": 30, "d": 10}, 100, ["a,b,c", "a,b", "a"])


def test_greedy_skips_what_no_longer_fits_and_explains_it() -> None:
    outcome = tally(*ELECTION, rule="greedy")
    assert outcome.selected == ("a", "c")
    why = {r.project_id: r.reason for r in outcome.projects}
    assert why["b"] == reasons.not_affordable(Fraction(50), Fraction(40))
    assert why["a"] == reasons.funded_in_order(1, Fraction(60), Fraction(40))
    assert why["d"] == reasons.no_support()


def test_pabutools_compat_funds_unsupported_projects_with_money_left() -> None:
    assert set(tally(*ELECTION, rule="greedy", compat="pabutools").selected) == {"a", "c", "d"}


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    outcome = tally(*ELECTION, rule="greedy-no-skip")
    assert outcome.selected == ("a",)
    assert {r.project_id: r.reason for r in outcome.projects}["c"] == reasons.not_reached("b")


def test_greedy_threshold_uses_meta_then_parameter() -> None:
    instance, profile = election(
        {"a": 60, "b": 50, "c": 30}, 100, ["a,b,c", "a,b", "a"], {"min_project_score_threshold": "2"}
    )
    assert tally(instance, profile, rule="greedy-threshold").selected == ("a",)
    assert tally(instance, profile, rule="greedy-threshold", threshold=1).selected == ("a", "c")


def test_greedy_cost_orders_by_support_per_cost() -> None:
    assert tally(*ELECTION, rule="greedy-cost").selected == ("a", "c")
    cheap = election({"a": 90, "b": 10}, 90, ["a", "a", "b"])
    assert tally(*cheap, rule="greedy-cost").selected == ("b",)


def test_tie_that_decides_is_reported_with_its_criterion() -> None:
    tied = election({"x": 60, "y": 50}, 70, ["x", "y"])
    outcome = tally(*tied, rule="greedy")
    assert outcome.selected == ("y",)
    assert [(t.candidates, t.chosen, t.by) for t in outcome.ties] == [(("y", "x"), "y", "cost")]
    lost = {r.project_id: r.reason for r in outcome.projects}["x"]
    assert lost == reasons.tie_lost(1, "y", ("y", "x"), "cost", Fraction(60), Fraction(20))
    lexico = tally(*tied, rule="greedy", tie_break="lexico")
    assert lexico.selected == ("x",)
    assert lexico.ties[0].by == "lexico"


def test_phragmen_balances_loads_and_stops_at_the_first_that_does_not_fit() -> None:
    # New max loads: a 60/3 = 20, b 50/2 = 25, c 30/1 = 30, so a first; then b (20+20+50)/2 = 45 beats
    # c (20+30)/1 = 50, but b no longer fits, and Phragmén stops there.
    outcome = tally(*ELECTION, rule="phragmen")
    assert outcome.selected == ("a",)
    why = {r.project_id: r.reason for r in outcome.projects}
    assert why["b"] == reasons.not_affordable(Fraction(50), Fraction(40))
    assert why["c"] == reasons.not_reached("b")


def test_max_welfare_finds_the_best_affordable_set() -> None:
    outcome = tally(*ELECTION, rule="max-welfare", satisfaction="cardinality")
    assert set(outcome.selected) == {"a", "c"}  # 3 + 1 votes for 90, better than b and c (3 votes)
    assert outcome.parameters["welfare"] == 4
    assert set(tally(*ELECTION, rule="max-welfare").selected) == {"a", "c"}  # 180 + 30 > 100 + 30


def test_unknown_rule_wrong_vote_type_and_bad_parameter_are_clear_errors() -> None:
    with pytest.raises(UnknownRule, match="unknown rule 'best'"):
        tally(*ELECTION, rule="best")
    instance, profile = ELECTION
    with pytest.raises(RuleNotApplicable, match="approval, choose-1"):
        tally(instance, Profile("ordinal", profile.ballots), rule="phragmen")
    with pytest.raises(InvalidParameter, match="not threshold"):
        tally(*ELECTION, rule="greedy", threshold=3)
