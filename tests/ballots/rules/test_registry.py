"""The registry's ``check``: it refuses, before any ballot exists, exactly what ``tally`` would refuse."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from ballots.instance import Instance, Project
from ballots.profile import VOTE_TYPES, Ballot, Profile, VoteType
from ballots.rules import RULES, InvalidParameter, RuleError, RuleNotApplicable, UnknownRule, check, tally
from ballots.tiebreak import UnknownTieBreak

INSTANCE = Instance(Fraction(10), (Project("a", Fraction(4)), Project("b", Fraction(5)), Project("c", Fraction(7))))
PROFILES: dict[VoteType, Profile] = {
    "approval": Profile("approval", (Ballot(("a", "b")), Ballot(("c",)))),
    "choose-1": Profile("choose-1", (Ballot(("a",)), Ballot(("c",)))),
    "cumulative": Profile("cumulative", (Ballot(("a", "b"), (2, 1)), Ballot(("c",), (3,)))),
    "scoring": Profile("scoring", (Ballot(("a", "b"), (2, 1)), Ballot(("c",), (3,)))),
    "ordinal": Profile("ordinal", (Ballot(("a", "b")), Ballot(("c", "a")))),
}
PARAMS: list[dict[str, Any]] = [
    {},
    {"completion": "none"},
    {"completion": "magic"},
    {"completion": ["add1"]},
    {"foo": 1},
    {"satisfaction": "cardinality"},
    {"satisfaction": "joy"},
    {"threshold": "1/2"},
    {"threshold": "many"},
    {"threshold": -1},
    {"threshold": True},
    {"ordinal_points": 2},
    {"ordinal_points": -1},
    {"ordinal_points": 1.5},
    {"completion": None},
]
"""Parameters as tally takes them: ``seed`` is tally's own keyword, so it is not among them."""


def refusal(call: Any, *args: Any, **kwargs: Any) -> type[Exception] | None:
    try:
        call(*args, **kwargs)
    except (RuleError, UnknownTieBreak) as exc:
        return type(exc)
    return None


@pytest.mark.parametrize("vote_type", VOTE_TYPES)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_check_refuses_exactly_what_tally_refuses(rule: str, vote_type: VoteType) -> None:
    for params in PARAMS:
        for tie_break in ("default", "lexico", "coin"):
            checked = refusal(check, rule, vote_type=vote_type, tie_break=tie_break, params=params)
            tallied = refusal(tally, INSTANCE, PROFILES[vote_type], rule=rule, tie_break=tie_break, **params)
            assert checked == tallied, (rule, vote_type, params, tie_break)


@pytest.mark.parametrize(
    ("rule", "params", "parameter"),
    [
        ("equal-shares", {"completion": "magic"}, "completion"),
        ("equal-shares", {"foo": 1}, "foo"),
        ("greedy", {"seed": 3}, "seed"),
        ("max-welfare", {"satisfaction": "joy"}, "satisfaction"),
        ("greedy-threshold", {"threshold": "many"}, "threshold"),
        ("greedy", {"ordinal_points": 3}, "ordinal_points"),
    ],
)
def test_invalid_parameter_names_the_parameter(rule: str, params: dict[str, Any], parameter: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        check(rule, vote_type="approval", params=params)
    assert raised.value.parameter == parameter
    assert parameter in str(raised.value)


def test_check_refuses_an_unknown_rule_a_vote_type_it_does_not_apply_to_and_an_unknown_tie_break() -> None:
    with pytest.raises(UnknownRule):
        check("dictator", vote_type="approval")
    with pytest.raises(RuleNotApplicable):
        check("phragmen", vote_type="cumulative")
    with pytest.raises(UnknownTieBreak):
        check("greedy", vote_type="approval", tie_break="coin")


def test_check_returns_the_rule_it_accepts() -> None:
    spec = check("equal-shares", vote_type="ordinal", params={"completion": "add1-greedy", "ordinal_points": 3})
    assert spec is RULES["equal-shares"]
