"""Tie-breaks: the default (cost, votes, seeded lot) and lexico (smallest id as a string)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballots.tiebreak import DefaultTieBreak, LexicoTieBreak, UnknownTieBreak, make_tie_break

COSTS = {"9": Fraction(10), "10": Fraction(10), "11": Fraction(5), "12": Fraction(10)}
SUPPORT = {"9": Fraction(3), "10": Fraction(3), "11": Fraction(1), "12": Fraction(4)}


def test_default_prefers_the_cheaper_project() -> None:
    assert DefaultTieBreak(1).choose(["9", "11"], costs=COSTS, support=SUPPORT) == ("11", "cost")


def test_default_then_prefers_more_support() -> None:
    assert DefaultTieBreak(1).choose(["9", "12"], costs=COSTS, support=SUPPORT) == ("12", "votes")


def test_default_then_draws_a_lot_that_depends_only_on_seed_and_ids() -> None:
    winners = {DefaultTieBreak(seed).choose(["9", "10"], costs=COSTS, support=SUPPORT) for seed in range(20)}
    assert {by for _, by in winners} == {"lot"}
    assert {w for w, _ in winners} == {"9", "10"}
    assert DefaultTieBreak(3).choose(["10", "9"], costs=COSTS, support=SUPPORT) == DefaultTieBreak(3).choose(
        ["9", "10"], costs=COSTS, support=SUPPORT
    )


def test_lexico_compares_ids_as_strings() -> None:
    assert LexicoTieBreak().choose(["9", "10"], costs=COSTS, support=SUPPORT) == ("10", "lexico")
    assert LexicoTieBreak().order(["9", "11", "10"], costs=COSTS, support=SUPPORT) == ["10", "11", "9"]


def test_make_tie_break_by_name() -> None:
    assert make_tie_break("default").seed == 0
    assert make_tie_break("default", 5).seed == 5
    assert make_tie_break("lexico").name == "lexico"
    with pytest.raises(UnknownTieBreak, match="unknown tie-break 'coin'"):
        make_tie_break("coin")
