"""Live comparison with pabutools (test-only reference) on small random approval elections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from pabutools import election as pabutools_election
from pabutools import rules as pabutools_rules

from ballots.instance import Instance
from ballots.profile import Profile
from ballots.rules import tally
from tests.ballots.strategies import elections


def _reference(instance: Instance, profile: Profile, run: Callable[[Any, Any], Any]) -> set[str]:
    projects = {p.id: pabutools_election.Project(p.id, p.cost) for p in instance.projects}
    reference = pabutools_election.Instance(projects.values(), budget_limit=instance.budget)
    ballots = [pabutools_election.ApprovalBallot([projects[c] for c in b.choices]) for b in profile.ballots]
    return {p.name for p in run(reference, pabutools_election.ApprovalProfile(ballots, instance=reference))}


CASES = {
    "greedy": lambda i, p: pabutools_rules.greedy_utilitarian_welfare(
        i, p, sat_class=pabutools_election.Cost_Sat
    ),
    "greedy-cost": lambda i, p: pabutools_rules.greedy_utilitarian_welfare(
        i, p, sat_class=pabutools_election.Cardinality_Sat
    ),
    "phragmen": lambda i, p: pabutools_rules.sequential_phragmen(i, p),
}


@pytest.mark.parametrize("rule", sorted(CASES))
@settings(max_examples=60, deadline=None)
@given(election=elections(vote_types=("approval", "choose-1")))
def test_same_selection_as_pabutools(rule: str, election: tuple[Instance, Profile]) -> None:
    instance, profile = election
    ours = tally(instance, profile, rule=rule, compat="pabutools")
    assert set(ours.selected) == _reference(instance, profile, CASES[rule])
