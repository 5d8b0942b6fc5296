"""Equal shares on small random elections: pabutools' selection, budget, order independence, exactness."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pabutools import election as pbe
from pabutools import rules as pbr

from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile
from ballots.rules import tally
from ballots.rules.equal_shares import COMPLETIONS
from ballots.rules.equal_shares_data import compile_profile
from ballots.rules.equal_shares_exact import run_exact
from ballots.rules.equal_shares_fast import CloseCall, FastView, run_fast
from ballots.support import ordinal_k, support
from tests.ballots.strategies import elections

Election = tuple[Instance, Profile]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference(election: Election, completion: str) -> set[str]:
    """pabutools' selection for equal shares with the matching satisfaction and completion."""
    instance, profile = election
    projects = {p.id: pbe.Project(p.id, p.cost) for p in instance.projects}
    ref = pbe.Instance(projects.values(), budget_limit=instance.budget)
    if profile.vote_type == "cumulative":
        ballots: Any = [
            pbe.CumulativeBallot({projects[c]: n for c, n in zip(b.choices, b.points, strict=True)})
            for b in profile.ballots
        ]
        ref_profile: Any = pbe.CumulativeProfile(ballots, instance=ref)
        sat: Any = pbe.Additive_Cardinal_Sat
    elif profile.vote_type == "ordinal":
        k = ordinal_k(instance, profile)
        ref_profile = pbe.OrdinalProfile(
            [pbe.OrdinalBallot([projects[c] for c in b.choices]) for b in profile.ballots], instance=ref
        )

        class Positional(pbe.PositionalSatisfaction):  # type: ignore[misc]  # pabutools is untyped
            def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
                score = lambda b, p: max(k - b.index(p), 0) if p in b else 0  # noqa: E731
                super().__init__(inst, prof, ballot, score, sum)

        sat = Positional
    else:
        ref_profile = pbe.ApprovalProfile(
            [pbe.ApprovalBallot([projects[c] for c in b.choices]) for b in profile.ballots], instance=ref
        )
        sat = pbe.Cost_Sat
    mes: dict[str, Any] = {"sat_class": sat}
    if completion.startswith("add1"):
        mes["voter_budget_increment"] = 1
    if completion.endswith("greedy"):
        rules = [pbr.method_of_equal_shares, pbr.greedy_utilitarian_welfare]
        outcome = pbr.completion_by_rule_combination(
            ref, ref_profile, rules, [mes, {"sat_class": pbe.Cost_Sat}]
        )
    else:
        outcome = pbr.method_of_equal_shares(ref, ref_profile, **mes)
    return {p.name for p in outcome}


@pytest.mark.parametrize("completion", ["none", "add1"])
@SETTINGS
@given(election=elections(vote_types=("approval", "choose-1", "cumulative", "ordinal")))
def test_equal_shares_selects_what_pabutools_selects(completion: str, election: Election) -> None:
    instance, profile = election
    ours = tally(instance, profile, rule="equal-shares", compat="pabutools", completion=completion)
    assert set(ours.selected) == _reference(election, completion)


@pytest.mark.parametrize("completion", ["greedy", "add1-greedy"])
@SETTINGS
@given(election=elections(vote_types=("approval", "choose-1")))
def test_completed_equal_shares_selects_what_pabutools_selects(completion: str, election: Election) -> None:
    instance, profile = election
    ours = tally(instance, profile, rule="equal-shares", compat="pabutools", completion=completion)
    assert set(ours.selected) == _reference(election, completion)


@pytest.mark.parametrize("completion", COMPLETIONS)
@SETTINGS
@given(election=elections(), data=st.data())
def test_equal_shares_keeps_the_budget_and_ignores_listing_order(
    completion: str, election: Election, data: st.DataObject
) -> None:
    instance, profile = election
    outcome = tally(instance, profile, rule="equal-shares", completion=completion, seed=3)
    assert outcome.total_cost == instance.cost_of(outcome.selected) <= instance.budget
    assert outcome == tally(instance, profile, rule="equal-shares", completion=completion, seed=3)
    voters = data.draw(st.permutations(profile.ballots))
    projects = data.draw(st.permutations(instance.projects))
    shuffled = tally(
        replace(instance, projects=tuple(projects)),
        replace(profile, ballots=tuple(voters)),
        rule="equal-shares",
        completion=completion,
        seed=3,
    )
    assert set(shuffled.selected) == set(outcome.selected)


@pytest.mark.parametrize("completion", ["greedy", "add1-greedy"])
@SETTINGS
@given(election=elections())
def test_greedy_completed_equal_shares_is_exhaustive(completion: str, election: Election) -> None:
    instance, profile = election
    for compat in ("pb", "pabutools"):
        outcome = tally(instance, profile, rule="equal-shares", completion=completion, compat=compat)
        scores = support(instance, profile)
        supported = {p for p, score in scores.items() if score > 0}
        left = instance.budget - outcome.total_cost
        open_ = [p for p in instance.projects if p.id not in outcome.selected]
        eligible = [p for p in open_ if compat == "pabutools" or p.id in supported]
        assert all(p.cost > left for p in eligible)


@SETTINGS
@given(election=elections(max_projects=6, max_voters=30), raise_by=st.integers(0, 6))
def test_fast_path_matches_the_exact_engine(election: Election, raise_by: int) -> None:
    instance, profile = election
    data = compile_profile(instance, profile, ordinal_points=ordinal_k(instance, profile))
    if data.voters == 0:
        return
    candidates = [j for j, c in enumerate(data.costs) if data.support[j] and c]
    endowment = instance.budget / data.voters + raise_by

    def choose(tied: Any) -> tuple[int, str]:
        return min(tied, key=lambda j: data.ids[j]), "lexico"

    exact = run_exact(data, endowment, candidates, choose)
    try:
        fast = run_fast(data, FastView.of(data), endowment, candidates, choose)
    except CloseCall:
        return
    assert [p.project for p in fast.purchases] == [p.project for p in exact.purchases]
    assert [p.tied for p in fast.purchases] == [p.tied for p in exact.purchases]


def test_an_exact_tie_that_floats_would_break_by_rounding_goes_to_the_tie_break() -> None:
    # Ten voters approve both; each project's price per unit of cost is exactly 1/10, but in floats
    # (3/10)/3 < (0.3/10)/0.3. Only one can be bought; lexico (and the default: cheaper first) choose "1".
    instance = Instance(Fraction(31, 10), (Project("1", Fraction(3, 10)), Project("2", Fraction(3))))
    profile = Profile("approval", tuple(Ballot(("1", "2"), voter_id=str(v)) for v in range(10)))
    assert (3.0 / 10) / 3.0 < (0.3 / 10) / 0.3
    for compat in ("pb", "pabutools"):
        outcome = tally(instance, profile, rule="equal-shares", completion="none", compat=compat)
        assert outcome.selected == ("1",)
        assert [(t.candidates, t.chosen) for t in outcome.ties] == [(("1", "2"), "1")]
    assert _reference((instance, profile), "none") == {"1"}
