"""Tally on close, confirmation, publication and the immutability of published results."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld
from tests.pb.results.conftest import VOTES, Closed, publish_all


async def test_closing_voting_tallies_every_budget_as_a_draft(client: httpx.AsyncClient, closed: Closed) -> None:
    for slug, budget_id in closed.election.budgets.items():
        response = await client.get(f"/budgets/{budget_id}/result", headers=closed.official)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["status"] == "draft"
        assert result["ballot_count"] == len(VOTES.get(slug, []))
        assert result["outcome"]["total_cost"] <= result["outcome"]["budget"]
        assert result["pb_version"] and result["seed"] >= 0
        assert all(p["reason"] for p in result["outcome"]["projects"])


async def test_tallying_again_gives_the_identical_result(client: httpx.AsyncClient, closed: Closed) -> None:
    before = {b: (await client.get(f"/budgets/{b}/result", headers=closed.official)).json()
              for b in closed.election.budgets.values()}
    response = await client.post(f"/rounds/{closed.election.round_id}/tally", headers=closed.official)
    assert response.status_code == 200, response.text
    for again in response.json():
        first = before[again["budget_id"]]
        for field in ("outcome", "ballot_set_hash", "seed", "rule", "parameters", "tie_break", "config_hash"):
            assert again[field] == first[field], field


async def test_confirm_then_publish_and_published_results_never_change(
    client: httpx.AsyncClient, closed: Closed, engine: AsyncEngine
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    early = await client.post(f"/budgets/{budget_id}/result/publish", headers=closed.official)
    assert early.status_code == 409 and early.json()["code"] == "result_not_ready"
    await publish_all(client, closed)
    again = await client.post(f"/budgets/{budget_id}/result/confirm", headers=closed.official)
    assert again.status_code == 409 and again.json()["code"] == "result_published"
    retally = await client.post(f"/rounds/{closed.election.round_id}/tally", headers=closed.official)
    assert retally.status_code == 200
    public = (await client.get(f"/budgets/{budget_id}/results")).json()
    assert public["rule_explained"]["sv"] and public["ballots"] == len(VOTES["hyryla"])
    with pytest.raises((DBAPIError, IntegrityError)):  # the trigger, whatever the application does
        async with engine.begin() as connection:
            await connection.execute(
                sa.text("UPDATE budget_result SET outcome = '{}' WHERE budget_id = :b"), {"b": budget_id}
            )
    with pytest.raises((DBAPIError, IntegrityError)):
        async with engine.begin() as connection:
            await connection.execute(sa.text("DELETE FROM budget_result WHERE budget_id = :b"), {"b": budget_id})


async def test_confirming_after_the_ballots_changed_is_409(
    client: httpx.AsyncClient, closed: Closed, engine: AsyncEngine
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    async with engine.begin() as connection:
        receipt = (await connection.execute(
            sa.text("SELECT receipt FROM ballot WHERE budget_id = :b ORDER BY receipt LIMIT 1"), {"b": budget_id}
        )).scalar_one()
        await connection.execute(sa.text("DELETE FROM ballot WHERE receipt = :r"), {"r": receipt})
    response = await client.post(f"/budgets/{budget_id}/result/confirm", headers=closed.official)
    assert response.status_code == 409
    assert response.json()["code"] == "ballot_set_changed"


async def test_residents_and_other_officials_cannot_confirm_or_publish(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens, world: DemoWorld
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    for role, scope in ((Role.RESIDENT, {}), (Role.RESEARCHER, {}),
                        (Role.OFFICIAL, {"municipality_id": world.other_municipality_id})):
        headers = await tokens.headers(role, **scope)
        for step in ("confirm", "publish"):
            response = await client.post(f"/budgets/{budget_id}/result/{step}", headers=headers)
            assert response.status_code == 403, (role, step, response.text)
    unpublished = await client.get(f"/budgets/{budget_id}/results")
    assert unpublished.status_code == 409
