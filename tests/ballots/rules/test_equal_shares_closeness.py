"""``MesCounterfactual`` against the rule re-run: every answer about another cost must be the re-run's."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.closeness import CENT, Rerun, how_close
from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile, VoteType
from ballots.rules import tally
from ballots.rules.equal_shares_closeness import MesCounterfactual

COMPLETIONS = ("none", "add1", "greedy", "add1-greedy")


@st.composite
def add1_elections(draw: st.DrawFn) -> tuple[Instance, Profile]:
    """Budgets many times the number of voters, so that add1's search raises the share several times."""
    vote_type: VoteType = draw(st.sampled_from(("approval", "cumulative")))
    n = draw(st.integers(2, 6))
    ids = [str(i) for i in range(1, n + 1)]
    costs = draw(st.lists(st.integers(1, 60), min_size=n, max_size=n))
    projects = tuple(Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True))
    budget = Fraction(draw(st.integers(max(costs) // 2 + 1, sum(costs))))
    ballots = []
    for v in range(draw(st.integers(1, 8))):
        choices = tuple(draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=n)))
        points = tuple(draw(st.integers(1, 4)) for _ in choices) if vote_type == "cumulative" else ()
        ballots.append(Ballot(choices, points, str(v)))
    return Instance(budget, projects), Profile(vote_type, tuple(ballots))


@pytest.mark.parametrize("completion", COMPLETIONS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=add1_elections(), data=st.data())
def test_answers_about_another_cost_are_the_rerun_s(
    completion: str, election: tuple[Instance, Profile], data: st.DataObject
) -> None:
    instance, profile = election
    options: dict[str, Any] = {"rule": "equal-shares", "completion": completion}
    rerun = Rerun(instance, profile, lambda i, p: tally(i, p, **options))
    fast = MesCounterfactual(instance, profile, completion=completion)
    top = int(instance.budget) * 4 + 4
    # Several questions on one counterfactual: it keeps runs between them, which must not leak.
    for _ in range(6):
        project = data.draw(st.sampled_from(instance.projects))
        cost = Fraction(data.draw(st.integers(0, top)), 4)
        assert fast.funded_at_cost(project.id, cost) == rerun.funded_at_cost(project.id, cost), (project, cost)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=add1_elections(), data=st.data())
def test_every_cost_of_a_funded_project_is_answered_as_a_rerun(
    election: tuple[Instance, Profile], data: st.DataObject
) -> None:
    instance, profile = election
    selected = tally(instance, profile, rule="equal-shares", completion="add1").selected
    if not selected:
        return
    project = instance.project(data.draw(st.sampled_from(selected)))
    rerun = Rerun(instance, profile, lambda i, p: tally(i, p, rule="equal-shares", completion="add1"))
    fast = MesCounterfactual(instance, profile, completion="add1")
    # Raising a funded project's cost: the runs without it are kept, and reused at every cost asked.
    for quarter in range(int(project.cost) * 4, int(instance.budget) * 4 + 2):
        cost = Fraction(quarter, 4)
        assert fast.funded_at_cost(project.id, cost) == rerun.funded_at_cost(project.id, cost), cost


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=add1_elections())
def test_aimed_figures_are_confirmed_by_the_rule_re_run(election: tuple[Instance, Profile]) -> None:
    instance, profile = election
    options: dict[str, Any] = {"rule": "equal-shares", "completion": "add1"}
    rerun = Rerun(instance, profile, lambda i, p: tally(i, p, **options))
    # The estimates aim the bisection; the figures must still be thresholds the plain re-run confirms.
    figures = how_close(instance, profile, supporters=False, **options)
    for project in instance.projects:
        close = figures[project.id]
        if close.max_cost is None:
            assert not close.funded and not rerun.funded_at_cost(project.id, Fraction(0))
            continue
        assert rerun.funded_at_cost(project.id, close.max_cost)
        beyond = close.max_cost + CENT
        if close.funded or beyond < project.cost:
            assert not rerun.funded_at_cost(project.id, beyond)
