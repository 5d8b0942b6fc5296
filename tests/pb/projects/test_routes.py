"""Ballot projects: the municipality's officials put them on a budget's ballot with an official cost, change and
remove them until voting opens; anyone reads them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.voting.election import COSTS, open_voting

PARK = {"code": "P-1", "title": {"fi": "Puisto", "sv": "Park"}, "cost": 1_250_000}


async def test_an_official_adds_changes_and_removes_a_project(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    budget_id = world.budget_ids["hyryla"]

    added = await client.post(f"/budgets/{budget_id}/projects", json=PARK, headers=official)
    assert added.status_code == 201
    project = added.json()
    assert (project["budget_id"], project["code"], project["cost"], project["title"]) == (
        budget_id, "P-1", 1_250_000, {"fi": "Puisto", "sv": "Park"})
    assert [p["code"] for p in (await client.get(f"/budgets/{budget_id}/projects")).json()] == ["P-1"]

    changed = await client.patch(f"/projects/{project['id']}", json={"cost": 990_000}, headers=official)
    assert changed.status_code == 200
    assert (await client.get(f"/projects/{project['id']}")).json()["cost"] == 990_000

    assert (await client.delete(f"/projects/{project['id']}", headers=official)).status_code == 204
    assert (await client.get(f"/projects/{project['id']}")).status_code == 404
    assert (await client.get(f"/budgets/{budget_id}/projects")).json() == []


async def test_the_same_code_twice_on_one_ballot_is_409_naming_the_code(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    budget_id = world.budget_ids["hyryla"]
    assert (await client.post(f"/budgets/{budget_id}/projects", json=PARK, headers=official)).status_code == 201

    again = await client.post(f"/budgets/{budget_id}/projects", json={**PARK, "cost": 5}, headers=official)

    assert again.status_code == 409
    assert again.json()["field"] == "code"


async def test_a_cost_of_zero_is_refused_with_its_field(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(f"/budgets/{world.budget_ids['hyryla']}/projects", json={**PARK, "cost": 0},
                                 headers=official)

    assert response.status_code == 422
    assert response.json()["field"] == "cost"


async def test_officials_of_another_municipality_and_residents_cannot_add_projects(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    elsewhere = await tokens.headers(Role.OFFICIAL, municipality_id=world.other_municipality_id)
    resident = await tokens.headers(Role.RESIDENT)
    url = f"/budgets/{world.budget_ids['hyryla']}/projects"

    assert (await client.post(url, json=PARK)).status_code == 401
    assert (await client.post(url, json=PARK, headers=elsewhere)).status_code == 403
    assert (await client.post(url, json=PARK, headers=resident)).status_code == 403
    assert (await client.get(url)).json() == []


async def test_the_ballot_is_frozen_once_voting_opens(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    election = await open_voting(engine, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    budget_id = election.budgets["hyryla"]
    projects = (await client.get(f"/budgets/{budget_id}/projects")).json()
    assert sorted(p["code"] for p in projects) == sorted(COSTS)

    added = await client.post(f"/budgets/{budget_id}/projects", json=PARK, headers=official)
    changed = await client.patch(f"/projects/{projects[0]['id']}", json={"cost": 1}, headers=official)
    removed = await client.delete(f"/projects/{projects[0]['id']}", headers=official)

    assert [r.status_code for r in (added, changed, removed)] == [409, 409, 409]
    assert {r.json()["code"] for r in (added, changed, removed)} == {"round_frozen"}
    assert (await client.get(f"/budgets/{budget_id}/projects")).json() == projects


async def test_an_unknown_budget_or_project_is_a_404_problem(client: httpx.AsyncClient, world: DemoWorld) -> None:
    assert (await client.get("/budgets/999999/projects")).json()["code"] == "not_found"
    assert (await client.get("/projects/999999")).status_code == 404
