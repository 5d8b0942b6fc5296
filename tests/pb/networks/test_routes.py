"""Networks: regional ones cover an area; coordinators tend their own network's description only."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.voting.election import open_voting


async def test_demo_networks_are_listed_by_kind(client: httpx.AsyncClient, world: DemoWorld) -> None:
    networks = (await client.get(f"/municipalities/{world.municipality_id}/networks")).json()

    assert [n["kind"] for n in networks].count("regional") == 4
    assert {n["kind"] for n in networks} == {"regional", "theme", "business"}
    assert all(n["postal_codes"] for n in networks if n["kind"] == "regional")


async def test_regional_network_without_area_is_refused(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(
        f"/municipalities/{world.municipality_id}/networks",
        json={"slug": "lahela", "kind": "regional", "name": {"fi": "Lahela"}},
        headers=official,
    )

    assert response.status_code == 422


async def test_bad_postal_code_is_refused_with_its_field(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.patch(
        f"/networks/{world.network_ids['hyryla']}", json={"postal_codes": ["0430"]}, headers=official
    )

    assert response.status_code == 422
    assert response.json()["field"].startswith("postal_codes")


async def test_archived_network_leaves_the_default_listing(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await client.patch(f"/networks/{world.network_ids['jokela']}", json={"archived": True}, headers=official)

    active = (await client.get(f"/municipalities/{world.municipality_id}/networks")).json()
    everything = (
        await client.get(f"/municipalities/{world.municipality_id}/networks", params={"include_archived": True})
    ).json()

    assert "jokela" not in {n["slug"] for n in active}
    assert "jokela" in {n["slug"] for n in everything}


async def test_names_with_control_characters_are_refused(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(
        f"/municipalities/{world.municipality_id}/networks",
        json={"slug": "teema", "kind": "theme", "name": {"fi": "Kult\u0000tuuri"}},
        headers=official,
    )

    assert response.status_code == 422
    assert response.json()["field"] == "name.fi"


async def test_a_networks_area_is_frozen_while_an_open_round_restricts_a_budget_to_it(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    hyryla = f"/networks/{world.network_ids['hyryla']}"
    before = await client.patch(hyryla, json={"postal_codes": ["04300", "04310"]}, headers=official)
    election = await open_voting(engine, clock, world)

    codes = await client.patch(hyryla, json={"postal_codes": ["04300", "04310", "04320"]}, headers=official)
    districts = await client.patch(hyryla, json={"districts": ["Hyrylä", "Rusutjärvi"]}, headers=official)
    same = await client.patch(hyryla, json={"postal_codes": ["04310", "04300"]}, headers=official)
    description = await client.patch(hyryla, json={"description": {"fi": "Uusi kuvaus"}}, headers=official)

    assert before.status_code == 200
    assert (codes.status_code, codes.json()["code"]) == (409, "round_frozen")
    assert (districts.status_code, districts.json()["code"]) == (409, "round_frozen")
    assert (same.status_code, description.status_code) == (200, 200)
    network = (await client.get(hyryla)).json()
    assert network["postal_codes"] == ["04300", "04310"]
    assert (await client.get(f"/rounds/{world.round_id}")).json()["config_hash"] == election.config_hash
