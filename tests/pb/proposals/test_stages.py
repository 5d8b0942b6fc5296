"""Officials fix a mistaken deliberation round: close it early, move it, or delete it, each audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import open_deliberation


async def audited(engine: AsyncEngine, action: str) -> list[dict[str, Any]]:
    async with create_sessionmaker(engine)() as session:
        rows = (await session.exec(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(col(AuditEvent.seq)))).all()
        return [{"actor": r.actor, "target": r.target, **r.details} for r in rows]


def plan(clock: Clock, *, start_days: float, length_days: float, is_last: bool = False) -> dict[str, Any]:
    starts = clock() + timedelta(days=start_days)
    return {
        "name": {"fi": "Kehittely"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(days=length_days)).isoformat(),
        "rule": {"id": "min-support", "min_supports": 0, "require_feasible": False},
        "is_last": is_last,
    }


async def test_an_official_closes_a_deliberation_round_early_only_when_asking_for_it(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine
) -> None:
    stage = await open_deliberation(client, clock, scene.world.round_id, scene.official, is_last=False)
    pid = scene.proposal_id
    assert (await client.post(f"/proposals/{pid}/support", headers=await scene.people.headers("bertil"))).is_success
    clock.advance(days=2)

    unasked = await client.post(f"/deliberation-rounds/{stage}/close", headers=scene.official)
    closed = await client.post(f"/deliberation-rounds/{stage}/close", json={"early": True}, headers=scene.official)
    late_support = await client.post(f"/proposals/{pid}/support", headers=await scene.people.headers("cecilia"))

    assert unasked.status_code == 409 and unasked.json()["field"] == "early"
    assert closed.status_code == 200, closed.text
    assert [(d["proposal_id"], d["supports"]) for d in closed.json()] == [(pid, 1)]
    assert late_support.status_code == 409
    stages = (await client.get(f"/rounds/{scene.world.round_id}/deliberation-rounds")).json()
    assert stages[0]["closed_at"] is not None and stages[0]["ends_at"] == stages[0]["closed_at"]
    [entry] = await audited(engine, "deliberation.close")
    assert entry["early"] is True and entry["target"] == f"deliberation:{stage}"


async def test_an_official_moves_a_deliberation_round_within_its_neighbours(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine
) -> None:
    first = await open_deliberation(client, clock, scene.world.round_id, scene.official, is_last=False)
    made = await client.post(f"/rounds/{scene.world.round_id}/deliberation-rounds",
                             json=plan(clock, start_days=10, length_days=5, is_last=True), headers=scene.official)
    second = made.json()["id"]
    later = clock() + timedelta(days=12)

    extended = await client.patch(f"/deliberation-rounds/{first}", headers=scene.official,
                                  json={"ends_at": (clock() + timedelta(days=9)).isoformat()})
    overlapping = await client.patch(f"/deliberation-rounds/{first}", headers=scene.official,
                                     json={"ends_at": (clock() + timedelta(days=11)).isoformat()})
    started_moved = await client.patch(f"/deliberation-rounds/{first}", headers=scene.official,
                                       json={"starts_at": (clock() + timedelta(days=1)).isoformat()})
    moved = await client.patch(
        f"/deliberation-rounds/{second}", headers=scene.official,
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(days=3)).isoformat()},
    )

    assert extended.status_code == 200, extended.text
    assert overlapping.status_code == 422 and overlapping.json()["field"] == "ends_at"
    assert started_moved.status_code == 409 and started_moved.json()["field"] == "starts_at"
    assert moved.status_code == 200, moved.text
    stages = (await client.get(f"/rounds/{scene.world.round_id}/deliberation-rounds")).json()
    assert [s["ends_at"][:10] for s in stages] == [
        (clock() + timedelta(days=9)).date().isoformat(), (later + timedelta(days=3)).date().isoformat()
    ]
    entries = await audited(engine, "deliberation.update")
    assert [e["target"] for e in entries] == [f"deliberation:{first}", f"deliberation:{second}"]
    assert entries[1]["starts_at"][1] == later.isoformat()


async def test_an_official_deletes_a_deliberation_round_and_later_ones_move_up(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine
) -> None:
    first = await open_deliberation(client, clock, scene.world.round_id, scene.official, is_last=False)
    made = await client.post(f"/rounds/{scene.world.round_id}/deliberation-rounds",
                             json=plan(clock, start_days=10, length_days=5, is_last=True), headers=scene.official)

    deleted = await client.delete(f"/deliberation-rounds/{first}", headers=scene.official)

    assert deleted.status_code == 204, deleted.text
    stages = (await client.get(f"/rounds/{scene.world.round_id}/deliberation-rounds")).json()
    assert [(s["id"], s["number"]) for s in stages] == [(made.json()["id"], 1)]
    [entry] = await audited(engine, "deliberation.delete")
    assert entry["target"] == f"deliberation:{first}" and entry["number"] == 1


async def test_a_closed_deliberation_round_stays_and_only_officials_change_one(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, tokens: Tokens
) -> None:
    stage = await open_deliberation(client, clock, scene.world.round_id, scene.official, is_last=False)
    coordinator = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["hyryla"])
    resident = await scene.people.headers("aino")
    later = {"ends_at": (clock() + timedelta(days=9)).isoformat()}

    refused = [
        await client.patch(f"/deliberation-rounds/{stage}", json=later, headers=coordinator),
        await client.patch(f"/deliberation-rounds/{stage}", json=later, headers=resident),
        await client.delete(f"/deliberation-rounds/{stage}", headers=coordinator),
        await client.delete(f"/deliberation-rounds/{stage}", headers=resident),
        await client.post(f"/deliberation-rounds/{stage}/close", json={"early": True}, headers=coordinator),
    ]
    clock.advance(days=8)
    assert (await client.post(f"/deliberation-rounds/{stage}/close", headers=scene.official)).status_code == 200
    after_close = [
        await client.patch(f"/deliberation-rounds/{stage}", json=later, headers=scene.official),
        await client.delete(f"/deliberation-rounds/{stage}", headers=scene.official),
    ]

    assert [r.status_code for r in refused] == [403] * 5
    assert [r.status_code for r in after_close] == [409, 409]
    assert len((await client.get(f"/rounds/{scene.world.round_id}/deliberation-rounds")).json()) == 1
