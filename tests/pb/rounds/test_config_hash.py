"""The frozen configuration in its typed form: its hash is pinned (rounds frozen and manifests signed before the
configuration was typed must still verify), and a configuration read back is exactly what pb wrote."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.db import create_sessionmaker
from pb.core.models import BudgetRound
from pb.rounds.config import round_config
from pb.rounds.frozen_config import BudgetConfig, ConfigShapeError, ProjectConfig, RoundConfig, config_hash
from tests.conftest import Clock
from tests.factories import DemoWorld
from tests.pb.voting.election import open_voting

ELECTION_HASH = "54a720a98da6d921f81df1d696431c3b516c2ca49e09d37b9f89c2067dfa24f4"
"""The voting tests' election (tests/pb/voting/election.py) as frozen by pb before the configuration was typed."""

KNOWN: dict[str, Any] = {
    "round": {"id": 7, "municipality_id": 3, "slug": "järvenpää-2028", "min_age": 15, "residence_required": False,
              "allow_revoting": True, "voting_ends_at": "2028-04-30T21:00:00+00:00"},
    "budgets": [
        {"id": 11, "slug": "etelä", "network_id": 4, "amount": 300_000, "ballot_format": "knapsack",
         "min_selections": 1, "max_selections": None, "max_cost": 250_000, "max_points_per_project": None,
         "max_total_points": None, "rule": "equal-shares", "rule_params": {"completion": "add1"},
         "tie_break": "default", "min_age": None, "area_restricted": True,
         "area": {"postal_codes": ["04400", "04410"], "districts": ["Haarajoki"]},
         "projects": [{"id": 31, "code": "A", "cost": 120_000}, {"id": 32, "code": "B", "cost": 90_050}]},
        {"id": 12, "slug": "nuoret", "network_id": None, "amount": 50_000, "ballot_format": "cumulative",
         "min_selections": 0, "max_selections": 4, "max_cost": None, "max_points_per_project": 5,
         "max_total_points": 10, "rule": "greedy", "rule_params": {}, "tie_break": "lot", "min_age": 12,
         "area_restricted": False, "area": None, "projects": [{"id": 33, "code": "N1", "cost": 20_000}]},
        {"id": 13, "slug": "järjestys", "network_id": None, "amount": 80_000, "ballot_format": "ranked",
         "min_selections": 0, "max_selections": 3, "max_cost": None, "max_points_per_project": None,
         "max_total_points": None, "rule": "phragmen", "rule_params": {}, "tie_break": "default", "min_age": None,
         "area_restricted": True, "area": None, "projects": []},
    ],
}
KNOWN_HASH = "9875f4daa757200e71a4e0ebf5898400953cab4a2a2a0703feb51c22426fad27"
"""``KNOWN``'s hash as pb computed it before the configuration was typed."""


def test_a_known_configuration_read_back_hashes_as_before_and_writes_the_same_json() -> None:
    config = RoundConfig.from_json(copy.deepcopy(KNOWN))

    assert config_hash(config) == KNOWN_HASH
    assert config.to_json() == KNOWN
    assert list(config.to_json()["budgets"][0]) == list(KNOWN["budgets"][0])  # the order manifests are served in
    assert config.voting_ends_at == datetime(2028, 4, 30, 21, 0, tzinfo=UTC)
    assert config.budget(12).projects == (ProjectConfig(id=33, code="N1", cost=20_000),)


def test_the_typed_form_is_immutable_and_owns_its_rule_parameters() -> None:
    params: dict[str, Any] = {"completion": "add1"}
    budget = BudgetConfig(id=1, slug="b", amount=100, ballot_format="approval", rule="equal-shares",
                          rule_params=params)
    params["completion"] = "none"

    assert budget.rule_params == {"completion": "add1"}
    with pytest.raises(TypeError):
        budget.rule_params["completion"] = "none"  # type: ignore[index]
    with pytest.raises(AttributeError):
        budget.amount = 200  # type: ignore[misc]
    with pytest.raises(ValueError, match="ballot_format 'plurality'"):
        BudgetConfig(id=1, slug="b", amount=100, ballot_format="plurality", rule="greedy")


def _changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(KNOWN)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize(("path", "value", "named"), [
    (("budgets", 0, "amount"), "300000", "config.budgets[0].amount: expected an integer"),
    (("budgets", 0, "amount"), 300_000.0, "config.budgets[0].amount: expected an integer"),
    (("budgets", 1, "min_age"), True, "config.budgets[1].min_age: expected an integer"),
    (("budgets", 0, "projects", 1, "cost"), None, "config.budgets[0].projects[1].cost: expected an integer"),
    (("budgets", 0, "area", "districts"), [1], "config.budgets[0].area.districts: expected a list of strings"),
    (("budgets", 2, "ballot_format"), "plurality", "config.budgets[2].ballot_format: expected one of"),
    (("budgets", 2, "rule_params"), None, "config.budgets[2].rule_params: expected an object"),
    (("budgets", 1, "tie_break"), KeyError, "config.budgets[1]: missing tie_break"),
    (("budgets", 1, "colour"), "red", "config.budgets[1]: unknown colour"),
    (("round", "allow_revoting"), 1, "config.round.allow_revoting: expected true or false"),
    (("round", "voting_ends_at"), "2028-04-30T21:00:00Z", "config.round.voting_ends_at: expected an ISO 8601"),
    (("round", "voting_ends_at"), "tomorrow", "config.round.voting_ends_at: expected an ISO 8601"),
    (("budgets",), {}, "config.budgets: expected a list"),
])
def test_a_configuration_pb_would_not_write_is_refused_naming_the_field(
    path: tuple[str | int, ...], value: Any, named: str
) -> None:
    with pytest.raises(ConfigShapeError) as refused:
        RoundConfig.from_json(_changed(path, value))

    assert str(refused.value).startswith(named)


async def test_a_frozen_election_hashes_as_before_on_every_database(
    engine: AsyncEngine, clock: Clock, world: DemoWorld
) -> None:
    election = await open_voting(engine, clock, world)

    async with create_sessionmaker(engine)() as session:
        budget_round = await session.get(BudgetRound, election.round_id)
        assert budget_round is not None
        config = await round_config(session, budget_round)

    assert election.config_hash == ELECTION_HASH
    assert config_hash(config) == ELECTION_HASH
    assert config_hash(RoundConfig.from_json(config.to_json())) == ELECTION_HASH
