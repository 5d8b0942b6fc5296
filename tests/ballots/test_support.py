"""Support per project, and the positional scores of ranked ballots (k = META max_length, else the longest)."""

from __future__ import annotations

from fractions import Fraction

from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile
from ballots.rules import tally
from ballots.support import compile_profile, ordinal_k, support

PROJECTS = tuple(Project(pid, Fraction(10)) for pid in ("a", "b", "c", "d"))
RANKINGS = Profile("ordinal", (Ballot(("a", "b")), Ballot(("c",)), Ballot(("b", "a"))))


def ranked(meta: dict[str, str]) -> Instance:
    return Instance(Fraction(10), PROJECTS, meta)


def test_first_choice_gets_meta_max_length_points() -> None:
    instance = ranked({"max_length": "4"})
    assert ordinal_k(instance, RANKINGS) == 4
    assert support(instance, RANKINGS) == {"a": 7, "b": 7, "c": 4, "d": 0}


def test_without_meta_the_longest_ballot_sets_the_points() -> None:
    instance = ranked({})
    assert ordinal_k(instance, RANKINGS) == 2
    assert support(instance, RANKINGS) == {"a": 3, "b": 3, "c": 2, "d": 0}
    assert ordinal_k(ranked({"max_length": "0"}), RANKINGS) == 2


def test_ordinal_points_override_meta_and_ranks_beyond_them_score_nothing() -> None:
    instance = ranked({"max_length": "4"})
    assert support(instance, RANKINGS, ordinal_points=1) == {"a": 1, "b": 1, "c": 1, "d": 0}
    assert compile_profile(instance, RANKINGS, ordinal_points=1).support_map() == support(
        instance, RANKINGS, ordinal_points=1
    )


def test_zero_ordinal_points_give_no_support_instead_of_failing() -> None:
    instance = ranked({})
    assert support(instance, RANKINGS, ordinal_points=0) == {p.id: 0 for p in PROJECTS}
    assert tally(instance, RANKINGS, rule="greedy", ordinal_points=0).selected == ()


def test_rules_record_the_positional_points_they_used() -> None:
    for rule in ("greedy", "equal-shares", "max-welfare"):
        assert tally(ranked({"max_length": "3"}), RANKINGS, rule=rule).parameters["ordinal_points"] == 3, rule
