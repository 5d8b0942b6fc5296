"""Invariants every registered rule keeps, on random small elections (a new rule is covered automatically)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ballots.instance import Instance
from ballots.outcome import Outcome
from ballots.profile import Profile
from ballots.rules import RULES, tally
from ballots.support import compile_profile, ordinal_k, support
from tests.ballots.strategies import elections

Election = tuple[Instance, Profile]
COMPATS = ["pb", "pabutools"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(rule: str, election: Election, compat: str) -> Outcome:
    instance, profile = election
    assume(profile.vote_type in RULES[rule].vote_types)
    return tally(instance, profile, rule=rule, compat=compat, seed=7)


@pytest.mark.parametrize("compat", COMPATS)
@pytest.mark.parametrize("rule", sorted(RULES))
@SETTINGS
@given(election=elections())
def test_outcome_is_affordable_and_explains_every_project(rule: str, compat: str, election: Election) -> None:
    instance, _ = election
    outcome = _run(rule, election, compat)
    assert outcome.total_cost == instance.cost_of(outcome.selected) <= instance.budget
    assert len(set(outcome.selected)) == len(outcome.selected)
    assert sorted(r.project_id for r in outcome.projects) == sorted(instance.project_ids)
    assert {r.project_id for r in outcome.projects if r.status == "funded"} == set(outcome.selected)
    assert all(r.reason for r in outcome.projects)


@pytest.mark.parametrize("rule", sorted(RULES))
@SETTINGS
@given(election=elections(), data=st.data())
def test_outcome_ignores_the_order_of_voters_and_projects(
    rule: str, election: Election, data: st.DataObject
) -> None:
    instance, profile = election
    voters = data.draw(st.permutations(profile.ballots))
    projects = data.draw(st.permutations(instance.projects))
    shuffled = (replace(instance, projects=tuple(projects)), replace(profile, ballots=tuple(voters)))
    for compat in COMPATS:
        assert set(_run(rule, shuffled, compat).selected) == set(_run(rule, election, compat).selected)


@pytest.mark.parametrize("rule", sorted(RULES))
@SETTINGS
@given(election=elections())
def test_outcome_is_deterministic(rule: str, election: Election) -> None:
    assert _run(rule, election, "pb") == _run(rule, election, "pb")


@pytest.mark.parametrize("rule", ["greedy", "greedy-cost", "greedy-threshold"])
@pytest.mark.parametrize("compat", COMPATS)
@SETTINGS
@given(election=elections())
def test_greedy_is_exhaustive(rule: str, compat: str, election: Election) -> None:
    instance, profile = election
    outcome = _run(rule, election, compat)
    scores = support(instance, profile)
    for project in instance.projects:
        eligible = compat == "pabutools" or scores[project.id] > 0
        if project.id not in outcome.selected and eligible and rule != "greedy-threshold":
            assert project.cost > outcome.leftover


@SETTINGS
@given(election=elections())
def test_pb_never_funds_a_project_nobody_supports(election: Election) -> None:
    instance, profile = election
    scores = support(instance, profile)
    for rule, spec in RULES.items():
        if profile.vote_type in spec.vote_types:
            outcome = tally(instance, profile, rule=rule)
            assert all(scores[p] > 0 for p in outcome.selected), rule


@SETTINGS
@given(election=elections())
def test_support_equals_a_direct_count(election: Election) -> None:
    instance, profile = election
    k = ordinal_k(instance, profile)
    direct = {p: Fraction(0) for p in instance.project_ids}
    for ballot in profile.ballots:
        for position, project in enumerate(ballot.choices):
            if profile.vote_type == "ordinal":
                direct[project] += max(k - position, 0)
            elif profile.vote_type in ("cumulative", "scoring"):
                direct[project] += ballot.points[position]
            else:
                direct[project] += 1
    assert support(instance, profile) == direct
    assert compile_profile(instance, profile).support_map() == direct
