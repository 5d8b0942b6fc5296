"""Public results and charts, the auditors' audit log endpoints, and implementation progress."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld
from tests.pb.results.conftest import Closed, publish_all


async def test_charts_as_json_and_escaped_svg(client: httpx.AsyncClient, closed: Closed, engine: AsyncEngine) -> None:
    budget_id = closed.election.budgets["hyryla"]
    async with engine.begin() as connection:  # titles are plain data; the SVG must keep them inert
        await connection.execute(sa.text("UPDATE ballot_project SET title = :t WHERE budget_id = :b AND code = 'A'"),
                                 {"t": '{"fi": "<script>alert(1)</script>"}', "b": budget_id})
    await publish_all(client, closed)
    votes = (await client.get(f"/budgets/{budget_id}/results/charts/votes")).json()
    assert votes["bars"][0]["code"] == "A" and votes["bars"][0]["support"] == 4
    allocation = (await client.get(f"/budgets/{budget_id}/results/charts/allocation?lang=en")).json()
    assert allocation["leftover"] == allocation["budget"] - sum(s["amount"] for s in allocation["segments"])
    for chart in ("votes", "allocation"):
        svg = await client.get(f"/budgets/{budget_id}/results/svg/{chart}")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
        assert "<script>" not in svg.text and "&lt;script&gt;" in svg.text


async def test_audit_log_pages_and_verification_for_auditors_only(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    await publish_all(client, closed)
    auditor = await tokens.headers(Role.AUDITOR)
    page = (await client.get("/audit?limit=500", headers=auditor)).json()
    actions = [e["action"] for e in page["entries"]]
    for action in ("round.phase", "board.publish", "results.tally", "results.confirm", "results.publish"):
        assert action in actions, action
    verdict = (await client.get("/audit/verify", headers=auditor)).json()
    assert verdict["intact"] is True and verdict["entries"] == page["total"]
    for headers in (await tokens.headers(Role.RESIDENT), await tokens.headers(Role.RESEARCHER), closed.official):
        assert (await client.get("/audit", headers=headers)).status_code == 403


async def test_progress_of_funded_projects_by_officials_and_the_networks_coordinator(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens, world: DemoWorld
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    projects = {p["code"]: p["id"] for p in (await client.get(f"/budgets/{budget_id}/projects")).json()}
    body = {"status": "in_progress", "percent": 40, "note": {"fi": "Työt alkoivat"}}
    early = await client.post(f"/projects/{projects['A']}/progress", headers=closed.official, json=body)
    assert early.status_code == 409
    await publish_all(client, closed)
    funded = (await client.get(f"/budgets/{budget_id}/results")).json()["selected"]
    target = projects[funded[0]]
    coordinator = await tokens.headers(Role.COORDINATOR, municipality_id=world.municipality_id,
                                       network_id=world.network_ids["hyryla"])
    other = await tokens.headers(Role.COORDINATOR, municipality_id=world.municipality_id,
                                 network_id=world.network_ids["jokela"])
    assert (await client.post(f"/projects/{target}/progress", headers=coordinator, json=body)).status_code == 201
    assert (await client.post(f"/projects/{target}/progress", headers=other, json=body)).status_code == 403
    no_reason = await client.post(f"/projects/{target}/progress", headers=closed.official,
                                  json={"status": "cancelled"})
    assert no_reason.status_code == 422
    cancelled = await client.post(f"/projects/{target}/progress", headers=closed.official,
                                  json={"status": "cancelled", "cancel_reason": {"fi": "Lupa evättiin"}})
    assert cancelled.status_code == 201
    feed = (await client.get(f"/projects/{target}/progress")).json()
    assert [u["status"] for u in feed] == ["cancelled", "in_progress"]
