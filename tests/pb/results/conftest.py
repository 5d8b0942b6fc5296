"""A demo round voted and closed (so tallied), and helpers to publish it and fetch what verifiers download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from pb.core.settings import Settings
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.auth.helpers import resident_headers
from tests.pb.voting.election import Election, cast, close_voting, open_voting

VOTES: dict[str, list[Any]] = {
    "hyryla": [["A", "B"], ["A", "C"], ["A"], ["B", "C"], ["D"], ["A", "C"]],
    "luonto-ja-liikunta": [["A", "B", "C"], ["A"], ["C", "D"], ["A", "D"], ["B"]],
    "kunta": [{"A": 5, "B": 5}, {"A": 2, "C": 3}, {"D": 5}, {"C": 4, "B": 1}],
    "ranked": [["A", "B", "C"], ["C", "A"], ["B"], ["A", "D"]],
}


@dataclass(frozen=True)
class Closed:
    election: Election
    official: dict[str, str]


async def vote_and_close(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens,
) -> Closed:
    election = await open_voting(engine, clock, world)
    voters = max(len(v) for v in VOTES.values())
    for i in range(voters):
        headers = await resident_headers(engine, settings, clock, national_id=None)
        for budget, ballots in VOTES.items():
            if i < len(ballots):
                response = await cast(client, election, budget, ballots[i], headers)
                assert response.status_code == 201, response.text
    clock.advance(days=1)
    await close_voting(engine, clock, election)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    return Closed(election, official)


@pytest.fixture
async def closed(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens,
) -> Closed:
    return await vote_and_close(client, engine, settings, clock, world, tokens)


async def publish_all(client: httpx.AsyncClient, closed: Closed) -> None:
    """Confirm and publish every budget; the test budgets have fewer than 10 ballots, so acknowledge that (N5)."""
    for budget_id in closed.election.budgets.values():
        for step, body in (("confirm", None), ("publish", {"acknowledge_small_count": True})):
            response = await client.post(f"/budgets/{budget_id}/result/{step}", headers=closed.official, json=body)
            assert response.status_code == 200, response.text


async def downloads(client: httpx.AsyncClient, closed: Closed) -> tuple[Any, list[Any], Any]:
    """What an independent verifier downloads: the manifest, every board and the keys."""
    manifest = (await client.get(f"/rounds/{closed.election.round_id}/manifest")).json()
    boards = [(await client.get(f"/budgets/{b}/board")).json() for b in closed.election.budgets.values()]
    keys = (await client.get("/.well-known/pb-keys.json")).json()
    return manifest, boards, keys
