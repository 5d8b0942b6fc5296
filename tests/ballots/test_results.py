"""One results object per budget: everything a results page needs, to JSON and back without loss."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings

from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile
from ballots.reasons import ReasonCode
from ballots.results import budget_results, from_json
from tests.ballots.strategies import elections

PROJECTS = (Project("a", Fraction(60), "Park"), Project("b", Fraction(50), "Library"), Project("c", Fraction(30)))
BALLOTS = tuple(Ballot(tuple(v.split(","))) for v in ("a,b,c", "a,b", "a"))
ELECTION = (Instance(Fraction(100), PROJECTS), Profile("approval", BALLOTS))


def test_greedy_results_give_selection_money_votes_reasons_and_how_close() -> None:
    results = budget_results(*ELECTION, rule="greedy")
    assert results.selected == ("a", "c")
    assert (results.total_cost, results.leftover, results.voters) == (Fraction(90), Fraction(10), 3)
    assert [p.id for p in results.projects] == ["a", "c", "b"]
    b = results.project("b")
    assert (b.name, b.votes, b.funded, b.reason.code) == ("Library", 2, False, ReasonCode.NOT_AFFORDABLE)
    assert b.how_close is not None and b.how_close.max_cost == 40
    assert b.equal_shares is None and results.endowment is None


def test_equal_shares_results_carry_the_analytics_and_the_share() -> None:
    results = budget_results(*ELECTION, rule="equal-shares", completion="add1")
    assert results.endowment == results.parameters["endowment"]
    assert all(p.equal_shares is not None for p in results.projects)
    funded = [p for p in results.projects if p.funded]
    assert funded and all(p.equal_shares is not None and p.equal_shares.paid == p.cost for p in funded)


@pytest.mark.parametrize("rule", ["greedy", "equal-shares", "phragmen", "max-welfare"])
@settings(max_examples=15, deadline=None)
@given(election=elections(vote_types=("approval",), max_projects=4, max_voters=6))
def test_results_survive_json(rule: str, election: tuple[Instance, Profile]) -> None:
    results = budget_results(*election, rule=rule)
    stored = json.loads(json.dumps(results.to_json()))
    again = from_json(stored)
    assert again.to_json() == stored
    assert [(p.id, p.reason, p.how_close) for p in again.projects] == [
        (p.id, p.reason, p.how_close) for p in results.projects
    ]
    assert again.projects == results.projects
