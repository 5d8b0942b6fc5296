"""Budget rounds over HTTP: creating, scheduling, moving through phases, freezing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld, stock_ballots

SCHEDULE = {"phases": [
    {"phase": "proposals", "starts_at": "2027-02-01T08:00:00+02:00", "ends_at": "2027-03-31T08:00:00+02:00"},
    {"phase": "deliberation", "starts_at": "2027-04-01T08:00:00+02:00", "ends_at": "2027-05-31T08:00:00+02:00"},
    {"phase": "voting", "starts_at": "2027-09-01T08:00:00+02:00", "ends_at": "2027-09-30T20:00:00+02:00"},
]}


def new_round(municipality_id: int, slug: str = "tuusula-2028") -> dict[str, Any]:
    return {"municipality_id": municipality_id, "slug": slug, "year": 2028,
            "name": {"fi": "Osallistuva budjetointi 2028", "sv": "Deltagande budgetering 2028"},
            "schedule": SCHEDULE}


def new_budget(network_id: int, slug: str = "hyryla") -> dict[str, Any]:
    return {"slug": slug, "network_id": network_id, "amount": 250_000, "ballot_format": "approval",
            "max_selections": 3, "rule": "equal-shares"}


async def move(client: httpx.AsyncClient, round_id: int, to: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post(f"/rounds/{round_id}/transitions", json={"to": to}, headers=headers)


async def test_rounds_endpoint_lists_the_demo_round_with_its_six_budgets(
    client: httpx.AsyncClient, world: DemoWorld
) -> None:
    rounds = (await client.get("/rounds")).json()

    assert [r["slug"] for r in rounds] == ["tuusula-2027"]
    assert rounds[0]["budget_count"] == 6
    budgets = (await client.get(f"/rounds/{world.round_id}/budgets")).json()
    assert {b["amount"] for b in budgets} == {250_000}
    assert all(set(b["name"]) == {"fi", "sv", "en"} for b in budgets)


async def test_official_creates_round_adds_budget_and_moves_it_through_every_phase(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    created = await client.post("/rounds", json=new_round(world.municipality_id), headers=official)
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    assert created.json()["phase"] == "draft"
    assert [w["phase"] for w in created.json()["schedule"]] == ["proposals", "deliberation", "voting"]
    assert created.json()["schedule"][0]["starts_at"] == "2027-02-01T06:00:00Z"
    budget = await client.post(f"/rounds/{round_id}/budgets", json=new_budget(world.network_ids["hyryla"]),
                               headers=official)
    assert budget.status_code == 201, budget.text
    project = {"code": "P-1", "title": {"fi": "Puisto"}, "cost": 100_000}
    added = await client.post(f"/budgets/{budget.json()['id']}/projects", json=project, headers=official)
    assert added.status_code == 201, added.text

    phases = ["proposals", "deliberation", "voting", "tallying", "results", "implementation", "closed"]
    for phase in phases:
        moved = await move(client, round_id, phase, official)
        assert moved.status_code == 200, moved.text
        assert moved.json()["phase"] == phase

    log = (await client.get(f"/rounds/{round_id}/transitions")).json()
    assert [(t["from_phase"], t["to_phase"], t["trigger"]) for t in log] == list(
        zip(["draft", *phases[:-1]], phases, ["manual"] * len(phases), strict=True)
    )


async def test_phases_only_move_forward_one_at_a_time(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    skipped = await move(client, world.round_id, "voting", official)
    backwards = await move(client, world.round_id, "draft", official)

    assert skipped.status_code == 409
    assert skipped.json()["code"] == "phase_conflict"
    assert skipped.json()["field"] == "to"
    assert backwards.status_code == 409
    assert (await client.get(f"/rounds/{world.round_id}")).json()["phase"] == "draft"


async def test_opening_voting_freezes_budgets_and_a_change_is_409_and_changes_nothing(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await stock_ballots(engine, world, now=clock())
    for phase in ("proposals", "deliberation", "voting"):
        assert (await move(client, world.round_id, phase, official)).status_code == 200
    frozen = (await client.get(f"/rounds/{world.round_id}")).json()
    budget_id = world.budget_ids["hyryla"]
    before = (await client.get(f"/budgets/{budget_id}")).json()

    changed = await client.patch(f"/budgets/{budget_id}", json={"amount": 999_999}, headers=official)
    added = await client.post(f"/rounds/{world.round_id}/budgets",
                              json=new_budget(world.network_ids["hyryla"], slug="extra"), headers=official)
    removed = await client.delete(f"/budgets/{budget_id}", headers=official)
    eligibility = await client.patch(f"/rounds/{world.round_id}", json={"min_age": 12}, headers=official)

    assert frozen["config_hash"] is not None and len(frozen["config_hash"]) == 64
    assert frozen["frozen_at"] is not None
    for response in (changed, added, removed, eligibility):
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "round_frozen"
    assert (await client.get(f"/budgets/{budget_id}")).json() == before
    after = (await client.get(f"/rounds/{world.round_id}")).json()
    assert after["config_hash"] == frozen["config_hash"]
    assert after["budget_count"] == 6 and after["min_age"] == frozen["min_age"]


async def test_voting_window_cannot_move_once_frozen_but_later_phases_can(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await stock_ballots(engine, world, now=clock())
    for phase in ("proposals", "deliberation", "voting"):
        await move(client, world.round_id, phase, official)
    plan = (await client.get(f"/rounds/{world.round_id}")).json()["schedule"]

    shortened = [dict(w, ends_at="2027-09-15T06:00:00Z") if w["phase"] == "voting" else w for w in plan]
    later = [dict(w, ends_at="2027-10-08T06:00:00Z") if w["phase"] == "tallying" else w for w in plan]
    refused = await client.put(f"/rounds/{world.round_id}/schedule", json={"phases": shortened}, headers=official)
    accepted = await client.put(f"/rounds/{world.round_id}/schedule", json={"phases": later}, headers=official)

    assert refused.status_code == 409
    assert accepted.status_code == 200, accepted.text


async def test_voting_cannot_open_without_budgets(client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    round_id = (await client.post("/rounds", json=new_round(world.municipality_id), headers=official)).json()["id"]
    await move(client, round_id, "proposals", official)
    await move(client, round_id, "deliberation", official)

    response = await move(client, round_id, "voting", official)

    assert response.status_code == 409
    assert (await client.get(f"/rounds/{round_id}")).json()["phase"] == "deliberation"


async def test_schedule_must_be_ordered_and_disjoint(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    before = (await client.get(f"/rounds/{world.round_id}")).json()["schedule"]
    overlapping = {"phases": [
        {"phase": "proposals", "starts_at": "2027-02-01T00:00:00Z", "ends_at": "2027-04-01T00:00:00Z"},
        {"phase": "deliberation", "starts_at": "2027-03-01T00:00:00Z", "ends_at": "2027-05-01T00:00:00Z"},
    ]}
    naive = {"phases": [{"phase": "proposals", "starts_at": "2027-02-01T00:00:00", "ends_at": "2027-04-01T00:00:00"}]}

    for body in (overlapping, naive):
        response = await client.put(f"/rounds/{world.round_id}/schedule", json=body, headers=official)
        assert response.status_code == 422, response.text
        assert response.json()["type"] == "/problems/invalid_input"
    assert (await client.get(f"/rounds/{world.round_id}")).json()["schedule"] == before


async def test_duplicate_round_slug_is_409(client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post("/rounds", json=new_round(world.municipality_id, slug="tuusula-2027"),
                                 headers=official)

    assert response.status_code == 409
    assert response.json()["field"] == "slug"


async def test_unknown_round_is_404_problem(client: httpx.AsyncClient, world: DemoWorld) -> None:
    response = await client.get("/rounds/999999")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


async def test_rounds_filter_by_municipality_and_phase(
    client: httpx.AsyncClient, world: DemoWorld, clock: Clock
) -> None:
    assert len((await client.get("/rounds", params={"municipality_id": world.municipality_id})).json()) == 1
    assert (await client.get("/rounds", params={"municipality_id": world.other_municipality_id})).json() == []
    assert (await client.get("/rounds", params={"phase": "voting"})).json() == []
    assert (await client.get("/rounds", params={"phase": "nonsense"})).status_code == 422
