"""Fixtures for the proposals tests: residents, an official, and the demo round in its proposals phase."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from pb.core.settings import Settings
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.proposals.helpers import Residents, move, proposal_body


@dataclass
class Scene:
    world: DemoWorld
    people: Residents
    official: dict[str, str]
    proposal_id: int
    """A proposal for Hyrylä's budget by the resident "aino"."""


@pytest.fixture
async def scene(
    client: httpx.AsyncClient,
    world: DemoWorld,
    tokens: Tokens,
    engine: AsyncEngine,
    settings: Settings,
    clock: Clock,
) -> Scene:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    people = Residents(engine, settings, clock)
    await move(client, world.round_id, "proposals", official)
    body = proposal_body(world.budget_ids["hyryla"], "Leikkipuistoon uusi keinu")
    response = await client.post("/proposals", json=body, headers=await people.headers("aino"))
    assert response.status_code == 201, response.text
    return Scene(world, people, official, int(response.json()["id"]))
