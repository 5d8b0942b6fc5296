"""A tally that fails when voting closes never answers 500 nor leaves the round stuck in voting: voting closes,
the failure is logged and audited, and the official tallies again once the cause is fixed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from ballots.rules import RULES
from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from pb.core.settings import Settings
from pb.lifecycle.phases import advance_by_schedule
from pb.results.tally import TALLY_FAILED
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.auth.helpers import resident_headers
from tests.pb.voting.election import Election, cast, open_voting


class RuleBroke(ValueError):
    """What a broken rule of ballots/ raises in these tests."""


def break_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuleBroke("the rule fell over")

    for rule_id, spec in list(RULES.items()):
        monkeypatch.setitem(RULES, rule_id, dataclasses.replace(spec, function=broken))


async def voted(client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
                world: DemoWorld) -> Election:
    election = await open_voting(engine, clock, world)
    voter = await resident_headers(engine, settings, clock, national_id=None)
    assert (await cast(client, election, "hyryla", ["A", "C"], voter)).status_code == 201
    clock.advance(days=1)
    return election


async def audit_entries(engine: AsyncEngine, action: str) -> list[AuditEvent]:
    async with create_sessionmaker(engine)() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
        return list((await session.exec(query)).all())


async def test_a_failed_tally_at_close_closes_voting_and_answers_a_problem_not_a_500(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    break_every_rule(monkeypatch)

    response = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"},
                                  headers=official)

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert (problem["code"], problem["phase"], problem["error"]) == ("tally_failed", "tallying", "RuleBroke")
    assert problem["reason"] == "the rule fell over"
    assert f"POST /rounds/{election.round_id}/tally" in problem["detail"]
    assert (await client.get(f"/rounds/{election.round_id}")).json()["phase"] == "tallying"
    board = (await client.get(f"/budgets/{election.budgets['hyryla']}/board")).json()
    assert board["ballot_count"] == 1  # voting closed: the ballot set is published
    result = await client.get(f"/budgets/{election.budgets['hyryla']}/result", headers=official)
    assert result.status_code == 404
    failures = await audit_entries(engine, TALLY_FAILED)
    assert [(f.target, f.details["error"], f.details["reason"]) for f in failures] == [
        (f"round:{election.round_id}", "RuleBroke", "the rule fell over")]
    assert [r.levelname for r in caplog.records if r.name == "pb.results"] == ["ERROR"]
    assert await audit_entries(engine, "results.tally") == []


async def test_the_official_tallies_again_once_the_cause_is_fixed(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    break_every_rule(monkeypatch)
    await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"}, headers=official)

    still_broken = await client.post(f"/rounds/{election.round_id}/tally", headers=official)
    monkeypatch.undo()
    fixed = await client.post(f"/rounds/{election.round_id}/tally", headers=official)

    assert still_broken.status_code == 409, still_broken.text
    assert still_broken.json()["code"] == "tally_failed"
    assert len(await audit_entries(engine, TALLY_FAILED)) == 2
    assert fixed.status_code == 200, fixed.text
    assert {r["budget_id"] for r in fixed.json()} == set(election.budgets.values())
    result = (await client.get(f"/budgets/{election.budgets['hyryla']}/result", headers=official)).json()
    assert result["ballot_count"] == 1 and result["status"] == "draft"
    moved = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "results"}, headers=official)
    assert moved.status_code == 200, moved.text


async def test_the_scheduler_closes_voting_when_the_tally_fails_and_goes_no_further(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    break_every_rule(monkeypatch)

    async with create_sessionmaker(engine)() as session, session.begin():
        moves = await advance_by_schedule(session, now=datetime(2027, 10, 9, tzinfo=UTC))

    assert [phase.value for _, phase in moves] == ["tallying"]
    assert (await client.get(f"/rounds/{election.round_id}")).json()["phase"] == "tallying"
    failures = await audit_entries(engine, TALLY_FAILED)
    assert [f.actor for f in failures] == ["system:schedule"]


async def test_a_round_whose_tally_failed_cannot_move_to_results_until_a_tally_succeeds(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    break_every_rule(monkeypatch)
    await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"}, headers=official)

    refused = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "results"},
                                headers=official)
    await client.post(f"/rounds/{election.round_id}/tally", headers=official)
    refused_again = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "results"},
                                      headers=official)

    for response in (refused, refused_again):
        assert response.status_code == 409, response.text
        problem = response.json()
        assert (problem["code"], problem["field"], problem["reason"]) == ("tally_failed", "to", "the rule fell over")
        assert f"POST /rounds/{election.round_id}/tally" in problem["detail"]
    assert (await client.get(f"/rounds/{election.round_id}")).json()["phase"] == "tallying"
    monkeypatch.undo()
    assert (await client.post(f"/rounds/{election.round_id}/tally", headers=official)).status_code == 200
    moved = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "results"}, headers=official)
    assert moved.status_code == 200, moved.text


async def test_a_later_failed_tally_also_keeps_the_round_out_of_results(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    assert (await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"},
                              headers=official)).status_code == 200
    break_every_rule(monkeypatch)
    assert (await client.post(f"/rounds/{election.round_id}/tally", headers=official)).status_code == 409

    refused = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "results"}, headers=official)

    assert (refused.status_code, refused.json()["code"]) == (409, "tally_failed")


async def test_the_scheduler_keeps_a_round_whose_tally_failed_out_of_results(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    break_every_rule(monkeypatch)
    later = datetime(2027, 11, 1, tzinfo=UTC)

    async with create_sessionmaker(engine)() as session, session.begin():
        first = await advance_by_schedule(session, now=datetime(2027, 10, 9, tzinfo=UTC))
    async with create_sessionmaker(engine)() as session, session.begin():
        second = await advance_by_schedule(session, now=later)
    monkeypatch.undo()
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    assert (await client.post(f"/rounds/{election.round_id}/tally", headers=official)).status_code == 200
    async with create_sessionmaker(engine)() as session, session.begin():
        third = await advance_by_schedule(session, now=later)

    assert ([p.value for _, p in first], second, [p.value for _, p in third]) == (["tallying"], [], ["results"])


async def test_a_failed_tally_shows_on_the_round_and_in_the_list_until_a_tally_succeeds(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
) -> None:
    election = await voted(client, engine, settings, clock, world)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    before = (await client.get(f"/rounds/{election.round_id}")).json()
    break_every_rule(monkeypatch)
    await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"}, headers=official)

    shown = (await client.get(f"/rounds/{election.round_id}")).json()
    listed = (await client.get("/rounds", params={"municipality_id": world.municipality_id})).json()
    monkeypatch.undo()
    await client.post(f"/rounds/{election.round_id}/tally", headers=official)
    fixed = (await client.get(f"/rounds/{election.round_id}")).json()

    assert before["tally_failure"] is None
    failure = {"at": clock.now.isoformat().replace("+00:00", "Z"), "error": "RuleBroke",
               "reason": "the rule fell over"}
    assert shown["tally_failure"] == failure
    assert [r["tally_failure"] for r in listed if r["id"] == election.round_id] == [failure]
    assert fixed["tally_failure"] is None
