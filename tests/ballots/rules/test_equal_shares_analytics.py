"""Equal-shares analytics agree with pabutools' ``calculate_effective_supports`` and ``calculate_project_loss``
on shared Pabulib files (skipped with a message where the sample is absent, a failure under CI=true)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from pabutools import analysis as pba
from pabutools import election as pbe
from pabutools import rules as pbr

from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile
from ballots.rules import tally
from ballots.rules.equal_shares_analytics import mes_analytics
from ballots.tiebreak import make_tie_break
from tests.ballots.conftest import Loader

FILES = ["Netherlands_Assen_2024.pb", "Poland_Warszawa_2019_Zerzen.pb", "Netherlands_Assen_2025.pb"]


@pytest.mark.parametrize("name", FILES)
def test_effective_support_and_project_loss_agree_with_pabutools(
    name: str, pabulib_dir: Path, load_pabulib: Loader
) -> None:
    instance, profile = load_pabulib(name)
    ours = mes_analytics(instance, profile, tie_break=make_tie_break("lexico"))
    ref_instance, ref_profile = pbe.parse_pabulib(str(pabulib_dir / name))
    allocation = pbr.method_of_equal_shares(ref_instance, ref_profile, sat_class=pbe.Cost_Sat, analytics=True)
    supports = pba.calculate_effective_supports(
        ref_instance, ref_profile, allocation, mes_params={"sat_class": pbe.Cost_Sat}
    )
    assert {p.name: ours.projects[p.name].percent for p in supports} == {p.name: s for p, s in supports.items()}
    funded = {p.name for p in allocation}
    # pabutools 1.2.3 records a last iteration that bought nothing, on which calculate_project_loss fails.
    details = allocation.details
    details.iterations = [it for it in details.iterations if it.selected_project is not None]
    losses = {loss.name: loss for loss in pba.calculate_project_loss(details) if loss.name in funded}
    assert losses.keys() == funded
    for pid, loss in losses.items():
        mine = ours.projects[pid]
        assert mine.supporters_money == Fraction(loss.supporters_budget)
        assert mine.spent_elsewhere == {q.name: Fraction(v) for q, v in loss.budget_lost.items() if v}


def test_effective_support_on_a_hand_made_election() -> None:
    # Budget 30, 3 voters with 10 each. a (cost 20) is approved by all: each pays 20/3. b (cost 15) by voter 0
    # alone, who has 10 - 20/3 = 10/3 left; at the end b's supporter could give 10/3 of 15.
    projects = (Project("a", Fraction(20)), Project("b", Fraction(15)))
    ballots = (Ballot(("a", "b")), Ballot(("a",)), Ballot(("a",)))
    instance, profile = Instance(Fraction(30), projects), Profile("approval", ballots)
    assert tally(instance, profile, rule="equal-shares", completion="none").selected == ("a",)
    figures = mes_analytics(instance, profile)
    assert figures.endowment == 10
    # Before a was bought, at a's price per unit of satisfaction (1/3 per euro), b's supporter would pay 5.
    assert figures.projects["b"].effective_support == Fraction(5, 15)
    assert figures.projects["b"].spent_elsewhere == {"a": Fraction(20, 3)}
    assert figures.projects["b"].supporters_money == Fraction(10, 3)
    assert figures.projects["a"].effective_support >= 1 and figures.projects["a"].paid == 20
