"""The first-cast path (pb.voting.first_cast): what it stores, and that every other case reaches the full cast.

Each test first lets one resident cast, which teaches the process that the budget is open; the casts under test
come after. On PostgreSQL a plain first cast then takes two statements and no transaction; on SQLite always
the full transaction. Either way the answers and what is stored must be the same. (The voting window on this
path: tests/pb/voting/test_casting.py, whose cast after the close comes after one before it.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import CastEvent
from pb.core.db import create_sessionmaker
from tests.conftest import Clock
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, close_voting, counts

BUDGET = "luonto-ja-liikunta"


async def _known(client: httpx.AsyncClient, election: Election, sign_in: SignIn) -> None:
    first = await cast(client, election, BUDGET, ["A"], await sign_in())
    assert first.status_code == 201, first.text


def _expected_full(engine: AsyncEngine) -> Callable[[int], int]:
    """How many full casts a number of later plain first casts make: none on PostgreSQL, all on SQLite."""
    return (lambda n: 0) if engine.dialect.name == "postgresql" else (lambda n: n)


async def _cast_events(engine: AsyncEngine, budget_id: int) -> dict[tuple[str, int], int]:
    async with create_sessionmaker(engine)() as session:
        rows = (await session.exec(
            select(CastEvent.action, CastEvent.status, func.count())
            .where(col(CastEvent.budget_id) == budget_id).group_by(col(CastEvent.action), col(CastEvent.status))
        )).all()
    return {(action, status): n for action, status, n in rows}


async def test_later_first_casts_store_participation_ballot_and_event_without_the_full_cast(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn, full_casts: list[int]
) -> None:
    await _known(client, election, sign_in)
    full_casts.clear()

    answers = [await cast(client, election, BUDGET, selections, await sign_in())
               for selections in (["B"], ["A", "C"], ["D", "B", "A"])]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[2].json()["ballot"] == {
        "budget_id": election.budgets[BUDGET], "config_hash": election.config_hash, "selections": ["A", "B", "D"]}
    assert len(full_casts) == _expected_full(engine)(3)
    assert await counts(engine, election.budgets[BUDGET]) == (4, 4)
    assert await _cast_events(engine, election.budgets[BUDGET]) == {("cast", 201): 4}


async def test_revote_retry_and_second_cast_go_to_the_full_cast(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn, full_casts: list[int]
) -> None:
    await _known(client, election, sign_in)
    resident = await sign_in()
    first = await cast(client, election, BUDGET, ["A"], resident, idempotency_key="k-1")
    full_casts.clear()

    retry = await cast(client, election, BUDGET, ["A"], resident, idempotency_key="k-1")
    changed = await cast(client, election, BUDGET, ["B"], resident, idempotency_key="k-2")

    assert (first.status_code, retry.status_code, changed.status_code) == (201, 200, 201)
    assert retry.json() == first.json()
    assert len(full_casts) == 2
    assert await counts(engine, election.budgets[BUDGET]) == (2, 2)
    assert await _cast_events(engine, election.budgets[BUDGET]) == {("cast", 201): 2, ("revote", 201): 1}


async def test_a_taken_receipt_stores_no_participation_and_answers_409(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    nonce = "a-nonce-two-browsers-chose-alike"
    taken = await cast(client, election, BUDGET, ["C"], await sign_in(), nonce=nonce)
    voter = await sign_in()

    clash = await cast(client, election, BUDGET, ["C"], voter, nonce=nonce)
    after = await cast(client, election, BUDGET, ["C"], voter)

    assert taken.status_code == 201
    assert (clash.status_code, clash.json()["code"]) == (409, "receipt_reused")
    assert after.status_code == 201, "the refused cast left no participation behind"
    assert await counts(engine, election.budgets[BUDGET]) == (2, 2)


async def test_refusals_after_the_budget_is_known_are_those_of_the_full_cast(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    await _known(client, election, sign_in)
    hyryla = "hyryla"
    await cast(client, election, hyryla, ["A"], await sign_in())  # the regional budget is known too

    outsider = await cast(client, election, hyryla, ["A"], await sign_in(postal_code="05400"))
    too_young = await cast(client, election, BUDGET, ["A"], await sign_in(birth_date=date(2015, 1, 1)))
    invalid = await cast(client, election, BUDGET, ["A", "B", "C", "D"], await sign_in())
    unknown = await cast(client, election, BUDGET, ["ZZ"], await sign_in())
    stale = await client.post(f"/budgets/{election.budgets[BUDGET]}/ballot",
                              json={"selections": ["A"], "config_hash": "f" * 64}, headers=await sign_in())

    assert (outsider.status_code, outsider.json()["reason"]) == (403, "outside-area")
    assert (too_young.status_code, too_young.json()["reason"]) == (403, "too-young")
    assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_ballot")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_ballot")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_config")
    assert await counts(engine) == (2, 2)


async def test_a_signed_out_resident_is_401_after_the_budget_is_known(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    await _known(client, election, sign_in)
    resident = await sign_in()
    assert (await client.post("/auth/logout", headers=resident)).status_code == 204

    refused = await cast(client, election, BUDGET, ["A"], resident)

    assert refused.status_code == 401
    assert await counts(engine) == (1, 1)


async def test_a_close_after_the_budget_is_known_refuses_later_casts(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    await _known(client, election, sign_in)
    resident = await sign_in()
    await close_voting(engine, clock, election)

    late = await cast(client, election, BUDGET, ["A"], resident)

    assert (late.status_code, late.json()["code"]) == (409, "voting_closed")
    assert await counts(engine) == (1, 1)



async def test_a_municipality_changed_in_the_database_is_judged_there(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    """The statement checks the municipality itself: a row changed behind pb's back (the process still knows the
    old code) makes the cast fall back, where the full cast refuses it."""
    await _known(client, election, sign_in)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE municipality SET code = '999' WHERE code = '858'"))

    moved = await cast(client, election, BUDGET, ["A"], await sign_in())

    assert (moved.status_code, moved.json()["reason"]) == (403, "other-municipality")
    assert await counts(engine) == (1, 1)


async def test_a_frozen_hash_changed_in_the_database_is_judged_there(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    """Likewise the frozen hash: the process validates against what it knows, the statement against the row."""
    await _known(client, election, sign_in)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE budget_round SET config_hash = :h WHERE id = :r"),
                                 {"h": "e" * 64, "r": election.round_id})

    rehashed = await cast(client, election, BUDGET, ["A"], await sign_in())

    assert rehashed.status_code == 409
    assert await counts(engine) == (1, 1)
