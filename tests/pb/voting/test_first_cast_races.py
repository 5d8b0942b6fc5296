"""The first-cast path under concurrency, on PostgreSQL where it runs: the close, double submits, shared receipts."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, counts

BUDGET = "luonto-ja-liikunta"


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: the first-cast path exists there."""
    return str(request.param)


async def _known(client: httpx.AsyncClient, election: Election, sign_in: SignIn) -> None:
    assert (await cast(client, election, BUDGET, ["A"], await sign_in())).status_code == 201


async def test_a_cast_waiting_on_a_close_is_refused_once_the_close_commits(
    client: httpx.AsyncClient, engine: AsyncEngine, database_url: str, election: Election, sign_in: SignIn,
    full_casts: list[int],
) -> None:
    """C4 on this path: the official's close holds the round FOR UPDATE; the cast's FOR SHARE waits, then sees
    the round's new phase (PostgreSQL re-checks the locked row) and falls back to a 409."""
    await _known(client, election, sign_in)
    voter = await sign_in()
    official = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        closing = official.transaction()
        await closing.start()
        await official.execute("SELECT id FROM budget_round WHERE id = $1 FOR UPDATE", election.round_id)
        await official.execute("UPDATE budget_round SET phase = 'tallying' WHERE id = $1", election.round_id)
        full_casts.clear()
        pending = asyncio.create_task(cast(client, election, BUDGET, ["A"], voter))
        await asyncio.sleep(0.5)
        waited = not pending.done()
        await closing.commit()
    finally:
        await official.close()
    late = await pending

    assert waited, "the cast waited for the close"
    assert (late.status_code, late.json()["code"]) == (409, "voting_closed")
    assert full_casts == [election.budgets[BUDGET]], "refused by the full cast after the first-cast path fell back"
    assert await counts(engine) == (1, 1)


async def test_one_voters_simultaneous_first_casts_leave_one_ballot(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    await _known(client, election, sign_in)
    voters = [await sign_in() for _ in range(8)]

    answers = [await asyncio.gather(*(cast(client, election, BUDGET, [code], voter) for code in "ABC"))
               for voter in voters]

    # The casts of one voter take turns on the participation row; each later one is a revote replacing the
    # one before, so every answer is 201 and one ballot per voter counts.
    assert [[a.status_code for a in per_voter] for per_voter in answers] == [[201, 201, 201]] * len(voters)
    assert await counts(engine, election.budgets[BUDGET]) == (9, 9)


async def test_voters_racing_with_one_receipt_store_one_ballot_and_no_orphan_participation(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    await _known(client, election, sign_in)
    voters = [await sign_in() for _ in range(8)]

    answers = await asyncio.gather(*(cast(client, election, BUDGET, ["C"], voter, nonce="one-nonce-for-all-0123")
                                     for voter in voters))

    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"receipt_reused"}
    assert await counts(engine, election.budgets[BUDGET]) == (2, 2)
