"""Voting opens only on a ready round: every missing item is named, an official overrides only by naming each one,
and the scheduler waits instead of opening an unready round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from pb.lifecycle.phases import HELD, advance_by_schedule
from pb.lifecycle.readiness import missing_items
from pb.rounds.frozen_config import BudgetConfig, ProjectConfig
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld, stock_ballots
from tests.pb.test_access import CALLERS, caller_headers

SLUGS = ["elinkeinoverkosto", "hyryla", "jokela", "kellokoski", "luonto-ja-liikunta", "riihikallio"]


async def move(client: httpx.AsyncClient, round_id: int, headers: dict[str, str], to: str,
               **body: Any) -> httpx.Response:
    return await client.post(f"/rounds/{round_id}/transitions", json={"to": to, **body}, headers=headers)


async def to_deliberation(client: httpx.AsyncClient, world: DemoWorld, official: dict[str, str]) -> None:
    for phase in ("proposals", "deliberation"):
        assert (await move(client, world.round_id, official, phase)).status_code == 200


async def audit_entries(engine: AsyncEngine, action: str) -> list[AuditEvent]:
    async with create_sessionmaker(engine)() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
        return list((await session.exec(query)).all())


def spec(**changes: Any) -> BudgetConfig:
    """One budget of a round configuration, as pb.rounds.config builds it."""
    budget = {
        "id": 7, "slug": "north", "amount": 250_000, "ballot_format": "approval", "min_selections": 0,
        "max_selections": None, "max_cost": None, "max_points_per_project": None, "max_total_points": None,
        "rule": "greedy", "rule_params": {}, "tie_break": "default",
        "projects": [{"id": 1, "code": "A", "cost": 100_000}, {"id": 2, "code": "B", "cost": 120_000}],
    }
    fields = {**budget, **changes}
    return BudgetConfig(**{**fields, "projects": tuple(ProjectConfig(**p) for p in fields["projects"])})


def codes(*budgets: BudgetConfig, open_deliberations: tuple[int, ...] = ()) -> list[str]:
    return [m.key for m in missing_items(budgets, open_deliberations=open_deliberations)]


def test_a_budget_whose_projects_fit_its_ballot_is_ready() -> None:
    assert codes(spec()) == []
    assert codes(spec(ballot_format="knapsack", max_cost=220_000, min_selections=2)) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"projects": []}, ["no_projects:north"]),
    ({"min_selections": 3}, ["too_few_projects:north"]),
    ({"amount": 99_999}, ["amount_below_cheapest:north"]),
    ({"ballot_format": "knapsack", "max_cost": 50_000}, ["cost_cap_below_cheapest:north"]),
    ({"ballot_format": "knapsack", "max_cost": 200_000, "min_selections": 2}, ["cost_cap_below_min_selections:north"]),
    ({"ballot_format": "cumulative", "max_points_per_project": 1, "max_total_points": 1, "min_selections": 2},
     ["points_below_min_selections:north"]),
    ({"rule_params": {"completion": "magic"}, "rule": "equal-shares"}, ["rule_rejected:north"]),
    ({"tie_break": "coin"}, ["rule_rejected:north"]),
], ids=lambda v: v[0] if isinstance(v, list) else None)
def test_each_way_a_ballot_cannot_work_is_one_named_item(changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(spec(**changes)) == expected


def test_a_round_without_budgets_or_with_an_unclosed_deliberation_round_is_not_ready() -> None:
    assert codes() == ["no_budgets"]
    assert codes(spec(), open_deliberations=(1, 2)) == ["deliberation_open:1", "deliberation_open:2"]


async def test_voting_does_not_open_on_empty_ballots_and_every_budget_is_named(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await to_deliberation(client, world, official)

    response = await move(client, world.round_id, official, "voting")

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "round_not_ready"
    assert problem["field"] == "acknowledge_not_ready"
    assert sorted(m["key"] for m in problem["missing"]) == [f"no_projects:{s}" for s in SLUGS]
    hyryla = next(m for m in problem["missing"] if m["budget_slug"] == "hyryla")
    assert hyryla == {
        "key": "no_projects:hyryla", "code": "no_projects", "overridable": True,
        "budget_id": world.budget_ids["hyryla"], "budget_slug": "hyryla", "deliberation_number": None,
        "detail": "budget hyryla has no projects on its ballot", "values": {"budget": "hyryla"},
    }
    after = (await client.get(f"/rounds/{world.round_id}")).json()
    assert (after["phase"], after["frozen_at"], after["config_hash"]) == ("deliberation", None, None)


async def test_an_unclosed_deliberation_round_keeps_voting_closed(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await stock_ballots(engine, world, now=clock())
    await to_deliberation(client, world, official)
    stage = {"name": {"fi": "Kehittely"}, "starts_at": clock().isoformat(),
             "ends_at": (clock() + timedelta(days=7)).isoformat(), "rule": {"id": "min-support"}}
    assert (await client.post(f"/rounds/{world.round_id}/deliberation-rounds", json=stage,
                              headers=official)).status_code == 201

    response = await move(client, world.round_id, official, "voting")

    assert response.status_code == 409, response.text
    assert [m["key"] for m in response.json()["missing"]] == ["deliberation_open:1"]
    assert (await client.get(f"/rounds/{world.round_id}")).json()["phase"] == "deliberation"


async def test_the_missing_items_are_told_in_the_callers_language(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await to_deliberation(client, world, official)
    english = (await move(client, world.round_id, official, "voting")).json()

    for language in ("fi", "sv"):
        answer = await move(client, world.round_id, {**official, "Accept-Language": language}, "voting")
        problem = answer.json()
        assert answer.headers["content-language"] == language
        assert problem["title"] != english["title"] and problem["detail"] != english["detail"]
        details = {m["key"]: m["detail"] for m in problem["missing"]}
        assert all(details[m["key"]] not in (m["detail"], "") for m in english["missing"])
        assert all("hyryla" in d for k, d in details.items() if k.endswith(":hyryla"))


async def test_an_official_opens_an_unready_round_only_by_naming_every_item_with_a_reason(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await to_deliberation(client, world, official)
    keys = [f"no_projects:{s}" for s in SLUGS]

    partly = await move(client, world.round_id, official, "voting", acknowledge_not_ready=keys[1:], reason="test")
    unexplained = await move(client, world.round_id, official, "voting", acknowledge_not_ready=keys)
    opened = await move(client, world.round_id, official, "voting", acknowledge_not_ready=keys,
                        reason="a trial round without projects")

    assert partly.status_code == 409 and partly.json()["unacknowledged"] == keys[0]
    assert unexplained.status_code == 422 and unexplained.json()["field"] == "reason"
    assert opened.status_code == 200, opened.text
    assert opened.json()["phase"] == "voting"
    entry = [e for e in await audit_entries(engine, "round.phase") if e.details["to"] == "voting"]
    assert len(entry) == 1
    assert entry[0].details["acknowledged_not_ready"] == sorted(keys, key=lambda k: world.budget_ids[k[12:]])
    assert entry[0].details["reason"] == "a trial round without projects"


async def test_a_round_without_budgets_cannot_be_opened_even_with_an_acknowledgement(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    body = {"municipality_id": world.municipality_id, "slug": "empty", "year": 2028, "name": {"fi": "Tyhjä"}}
    round_id = (await client.post("/rounds", json=body, headers=official)).json()["id"]
    for phase in ("proposals", "deliberation"):
        await move(client, round_id, official, phase)

    response = await move(client, round_id, official, "voting", acknowledge_not_ready=["no_budgets"], reason="x")

    assert response.status_code == 409
    assert response.json()["field"] == "to"
    assert response.json()["missing"][0]["overridable"] is False
    assert (await client.get(f"/rounds/{round_id}")).json()["phase"] == "deliberation"


async def test_a_ready_round_opens_without_any_acknowledgement(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    await stock_ballots(engine, world, now=clock())
    await to_deliberation(client, world, official)

    readiness = (await client.get(f"/rounds/{world.round_id}/readiness", headers=official)).json()
    opened = await move(client, world.round_id, official, "voting")

    assert readiness == {"round_id": world.round_id, "phase": "deliberation", "ready": True,
                         "held_by_schedule_since": None, "missing": []}
    assert opened.status_code == 200, opened.text
    entry = next(e for e in await audit_entries(engine, "round.phase") if e.details["to"] == "voting")
    assert "acknowledged_not_ready" not in entry.details


async def test_the_scheduler_never_opens_an_unready_round_and_records_why_once(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def advance(now: datetime) -> list[str]:
        async with create_sessionmaker(engine)() as session, session.begin():
            return [phase.value for _, phase in await advance_by_schedule(session, now=now)]

    due = datetime(2027, 9, 2, tzinfo=UTC)

    first = await advance(due)
    again = await advance(due + timedelta(minutes=1))
    clock.now = due + timedelta(minutes=1)
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    readiness = (await client.get(f"/rounds/{world.round_id}/readiness", headers=official)).json()
    await stock_ballots(engine, world, now=due)
    fixed = await advance(due + timedelta(minutes=2))

    assert (first, again, fixed) == (["proposals", "deliberation"], [], ["voting"])
    held = await audit_entries(engine, HELD)
    assert len(held) == 1
    by_id = sorted(SLUGS, key=lambda s: world.budget_ids[s])
    assert held[0].details == {"phase": "deliberation", "to": "voting", "missing": [f"no_projects:{s}" for s in by_id]}
    assert readiness["ready"] is False
    assert readiness["held_by_schedule_since"] == "2027-09-01T06:00:00Z"
    assert len(readiness["missing"]) == len(SLUGS)
    warnings = [r.getMessage() for r in caplog.records if r.name == "pb.lifecycle"]
    assert warnings == [f"round {world.round_id} stays in deliberation: not ready for voting (no_projects)"]


@pytest.mark.parametrize("caller", CALLERS)
async def test_readiness_is_for_the_municipalitys_officials_and_admins(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, caller: str
) -> None:
    response = await client.get(f"/rounds/{world.round_id}/readiness",
                                headers=await caller_headers(caller, world, tokens))

    expected = 200 if caller in ("admin", "official") else 401 if caller == "anonymous" else 403
    assert response.status_code == expected, response.text
    if expected == 200:
        assert [m["code"] for m in response.json()["missing"]] == ["no_projects"] * len(SLUGS)


async def test_readiness_of_an_unknown_round_is_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get("/rounds/999999/readiness", headers=await tokens.headers(Role.ADMIN))

    assert response.status_code == 404


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "budget hyryla has no projects on its ballot"),
    ("fi", "budjetin hyryla äänestyslipulla ei ole hankkeita"),
    ("sv", "budget hyryla har inga projekt på röstsedeln"),
])
async def test_a_round_held_at_its_scheduled_opening_says_so_with_what_it_lacks_in_the_callers_language(
    client: httpx.AsyncClient, world: DemoWorld, engine: AsyncEngine, clock: Clock, language: str,
    sentence: str,
) -> None:
    due = datetime(2027, 9, 2, tzinfo=UTC)
    before = (await client.get(f"/rounds/{world.round_id}")).json()
    async with create_sessionmaker(engine)() as session, session.begin():
        await advance_by_schedule(session, now=due)
    clock.now = due
    headers = {"Accept-Language": language}

    shown = (await client.get(f"/rounds/{world.round_id}", headers=headers)).json()
    listed = (await client.get("/rounds", params={"municipality_id": world.municipality_id}, headers=headers)).json()
    await stock_ballots(engine, world, now=due)
    fixed = (await client.get(f"/rounds/{world.round_id}")).json()

    assert before["held"] is None
    held = shown["held"]
    assert (shown["phase"], held["since"], held["to"]) == ("deliberation", "2027-09-01T06:00:00Z", "voting")
    assert [m["key"] for m in held["missing"]] == [f"no_projects:{s}" for s in sorted(
        SLUGS, key=lambda s: world.budget_ids[s])]
    hyryla = next(m for m in held["missing"] if m["budget_slug"] == "hyryla")
    assert hyryla["detail"] == sentence
    assert [r["held"] for r in listed if r["id"] == world.round_id] == [held]
    assert fixed["held"] is None
