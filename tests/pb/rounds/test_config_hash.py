"""The frozen configuration's hash is pinned: rounds frozen and manifests signed before any change must still verify."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.db import create_sessionmaker
from pb.core.models import BudgetRound
from pb.rounds.config import config_hash, round_config
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


def test_a_known_configuration_hashes_as_before() -> None:
    assert config_hash(KNOWN) == KNOWN_HASH


async def test_a_frozen_election_hashes_as_before_on_every_database(
    engine: AsyncEngine, clock: Clock, world: DemoWorld
) -> None:
    election = await open_voting(engine, clock, world)

    async with create_sessionmaker(engine)() as session:
        budget_round = await session.get(BudgetRound, election.round_id)
        assert budget_round is not None
        recomputed = config_hash(await round_config(session, budget_round))

    assert election.config_hash == ELECTION_HASH
    assert recomputed == ELECTION_HASH
