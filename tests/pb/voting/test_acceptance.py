"""C3: pb accepts a ballot exactly when an independent reference validator, written here, accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pydantic
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.rounds.frozen_config import BudgetConfig, ProjectConfig, RoundConfig
from pb.voting.errors import InvalidBallot
from pb.voting.frozen import compile_round
from pb.voting.schemas import BallotCast
from pb.voting.validation import checked_selections
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import COSTS, Election, cast, counts

CODES = ["A", "B", "C", "D", "E"]


@dataclass(frozen=True)
class Rules:
    kind: str
    costs: dict[str, int]
    min_n: int
    max_n: int | None
    cap: int | None
    max_points: int | None
    max_total: int | None


def reference_accepts(rules: Rules, selections: Any) -> bool:
    """The rules as the municipality's guide states them, checked from scratch."""
    if rules.kind == "cumulative":
        if not isinstance(selections, dict) or len(selections) > 1000:
            return False
        if not all(type(v) is int for v in selections.values()):
            return False
        if any(k not in rules.costs for k in selections):
            return False
        if any(v < 1 or (rules.max_points is not None and v > rules.max_points) for v in selections.values()):
            return False
        if rules.max_total is not None and sum(selections.values()) > rules.max_total:
            return False
        chosen = list(selections)
    else:
        if not isinstance(selections, list) or len(selections) > 1000:
            return False
        if not all(type(c) is str for c in selections):
            return False
        if len(set(selections)) != len(selections) or any(c not in rules.costs for c in selections):
            return False
        chosen = selections
    if len(chosen) < rules.min_n or (rules.max_n is not None and len(chosen) > rules.max_n):
        return False
    return rules.cap is None or sum(rules.costs[c] for c in chosen) <= rules.cap


@st.composite
def rules(draw: st.DrawFn) -> Rules:
    kind = draw(st.sampled_from(["approval", "knapsack", "cumulative", "ranked"]))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=5, unique=True))
    costs = {c: draw(st.integers(1, 10**6)) for c in codes}
    min_n = draw(st.integers(0, 3))
    max_n = draw(st.one_of(st.none(), st.integers(max(min_n, 1), 5)))
    cumulative = kind == "cumulative"
    return Rules(
        kind, costs, min_n, max_n,
        cap=draw(st.integers(1, 3 * 10**6)) if kind == "knapsack" else None,
        max_points=draw(st.integers(1, 10)) if cumulative else None,
        max_total=draw(st.integers(1, 30)) if cumulative else None,
    )


CODE_LIKE = st.one_of(st.sampled_from([*CODES, "Z", "", "a" * 40]), st.integers(-5, 5), st.floats(allow_nan=False))
SELECTIONS: st.SearchStrategy[list[str | int | float] | dict[str, int | float]] = st.one_of(
    st.lists(CODE_LIKE, max_size=7),
    st.dictionaries(st.sampled_from([*CODES, "Z"]), st.one_of(st.integers(-3, 12), st.floats(0, 5),
                                                              st.integers(10**12, 10**13)), max_size=6),
    st.just([]), st.just({}),
)


def pb_accepts(rules: Rules, selections: Any) -> bool:
    """pb's own path: the request schema, then the frozen budget's format through ballots/."""
    config = RoundConfig(
        id=1, municipality_id=1, slug="r", min_age=15, residence_required=True, allow_revoting=True,
        voting_ends_at=None,
        budgets=(BudgetConfig(
            id=1, slug="b", ballot_format=rules.kind, amount=10**7, min_selections=rules.min_n,
            max_selections=rules.max_n, max_cost=rules.cap, max_points_per_project=rules.max_points,
            max_total_points=rules.max_total, min_age=None, area=None, rule="greedy",
            projects=tuple(ProjectConfig(id=i, code=c, cost=cost) for i, (c, cost) in enumerate(rules.costs.items())),
        ),),
    )
    budget = compile_round(config, "0" * 64).budgets[1]
    try:
        data = BallotCast.model_validate({"selections": selections, "config_hash": "0" * 64})
        checked_selections(budget, data.selections)
    except (pydantic.ValidationError, InvalidBallot):
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(rules(), SELECTIONS)
def test_pb_accepts_exactly_what_the_reference_validator_accepts(rules: Rules, selections: Any) -> None:
    assert pb_accepts(rules, selections) == reference_accepts(rules, selections)


def test_an_empty_ballot_is_accepted_exactly_when_the_minimum_is_zero() -> None:
    for min_n in (0, 1):
        for kind in ("approval", "knapsack", "ranked"):
            assert pb_accepts(Rules(kind, dict(COSTS), min_n, None, None, None, None), []) is (min_n == 0)


TRICKY: list[tuple[str, Any]] = [
    ("hyryla", []), ("hyryla", ["A", "B"]), ("hyryla", ["A", "B", "C"]), ("hyryla", ["D", "C"]),
    ("hyryla", ["A", "a"]), ("hyryla", [1]), ("hyryla", ["A", "A"]), ("luonto-ja-liikunta", ["A", "B", "C"]),
    ("luonto-ja-liikunta", ["A", "B", "C", "D"]), ("kunta", {"A": 5, "B": 5}), ("kunta", {"A": 5, "B": 6}),
    ("kunta", {"A": -1}), ("kunta", {"A": 10**12}), ("kunta", {}), ("ranked", ["C", "A", "B"]),
    ("ranked", ["C", "A", "C"]),
]
LIMITS = {
    "hyryla": Rules("knapsack", dict(COSTS), 0, None, 250_000, None, None),
    "luonto-ja-liikunta": Rules("approval", dict(COSTS), 0, 3, None, None, None),
    "kunta": Rules("cumulative", dict(COSTS), 0, None, None, 5, 10),
    "ranked": Rules("ranked", dict(COSTS), 0, 3, None, None, None),
}


async def test_the_server_answers_201_exactly_when_the_reference_accepts(
    client: httpx.AsyncClient, app: Litestar, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    resident = await sign_in()
    app.state.cast_rate_per_minute = 10_000
    for budget, selections in TRICKY:
        before = await counts(engine)
        response = await cast(client, election, budget, selections, resident)

        accepted = reference_accepts(LIMITS[budget], selections)
        assert response.status_code == (201 if accepted else 422), (budget, selections, response.text)
        if not accepted:
            assert await counts(engine) == before
