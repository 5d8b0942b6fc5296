"""Municipalities: administrators create them (audited), anyone reads them, slugs and codes are unique."""

from __future__ import annotations

import httpx

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld

KERAVA = {"slug": "kerava", "code": "245", "name": {"fi": "Kerava", "sv": "Kervo"}, "languages": ["fi", "sv"]}


async def test_an_administrator_creates_a_municipality_that_anyone_then_reads(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    admin = await tokens.headers(Role.ADMIN)

    created = await client.post("/municipalities", json=KERAVA, headers=admin)

    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in KERAVA} == KERAVA
    assert (await client.get(f"/municipalities/{body['id']}")).json() == body
    listed = (await client.get("/municipalities")).json()
    assert [m["slug"] for m in listed] == ["jarvenpaa", "kerava", "tuusula"]
    auditor = await tokens.headers(Role.AUDITOR)
    entries = (await client.get("/audit", params={"limit": 500}, headers=auditor)).json()["entries"]
    assert [e["details"] for e in entries if e["action"] == "municipality.create"][-1] == {"slug": "kerava"}


async def test_only_administrators_create_municipalities(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    assert (await client.post("/municipalities", json=KERAVA)).status_code == 401
    assert (await client.post("/municipalities", json=KERAVA, headers=official)).status_code == 403
    assert "kerava" not in [m["slug"] for m in (await client.get("/municipalities")).json()]


async def test_a_taken_slug_or_code_is_409_naming_the_slug(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    admin = await tokens.headers(Role.ADMIN)

    same_slug = await client.post("/municipalities", json={**KERAVA, "slug": "jarvenpaa"}, headers=admin)
    same_code = await client.post("/municipalities", json={**KERAVA, "code": "186"}, headers=admin)

    assert same_slug.status_code == same_code.status_code == 409
    assert same_slug.json()["code"] == same_code.json()["code"] == "already_exists"
    assert same_slug.json()["field"] == same_code.json()["field"] == "slug"


async def test_a_bad_code_is_refused_with_its_field(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    admin = await tokens.headers(Role.ADMIN)

    response = await client.post("/municipalities", json={**KERAVA, "code": "24"}, headers=admin)

    assert response.status_code == 422
    assert response.json()["field"] == "code"


async def test_an_unknown_municipality_is_a_404_problem(client: httpx.AsyncClient, world: DemoWorld) -> None:
    response = await client.get("/municipalities/999999")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"
