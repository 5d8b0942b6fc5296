"""Every rule copes with a ballot that has no projects, or no votes: it funds nothing and says so."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballots.instance import Instance, Project
from ballots.profile import VOTE_TYPES, Profile
from ballots.rules import RULES, tally

APPLICABLE = [(rule, vt) for rule in sorted(RULES) for vt in VOTE_TYPES if vt in RULES[rule].vote_types]


@pytest.mark.parametrize(("rule", "vote_type"), APPLICABLE)
def test_no_projects_funds_nothing(rule: str, vote_type: str) -> None:
    outcome = tally(Instance(budget=Fraction(100), projects=()), Profile(vote_type, ()), rule=rule)  # type: ignore[arg-type]

    assert outcome.selected == ()
    assert outcome.total_cost == 0


@pytest.mark.parametrize("rule", sorted(RULES))
def test_no_votes_funds_nothing_by_default(rule: str) -> None:
    instance = Instance(budget=Fraction(100), projects=(Project("a", Fraction(10)), Project("b", Fraction(20))))

    outcome = tally(instance, Profile("approval", ()), rule=rule)

    assert outcome.selected == ()
    assert {p.project_id for p in outcome.projects} == {"a", "b"}
