"""F3 on the cast's path: the first-cast path runs on the driver's connection, and still heals (pb.voting.driver)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.pb.core.test_db_reconnect import _terminate_backends
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, counts

BUDGET = "luonto-ja-liikunta"


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: SQLite has no server connections to lose."""
    return str(request.param)


async def test_casts_heal_after_the_database_drops_its_connections(
    client: httpx.AsyncClient, engine: AsyncEngine, database_url: str, election: Election, sign_in: SignIn,
    full_casts: list[int],
) -> None:
    """F3 on the cast's path: the cast in flight meets the dropped connection on the first-cast path (the pool's
    only one, the test casting one at a time) and goes on through the full cast on a fresh connection; the next
    ones succeed on the first-cast path."""
    first_voter = await cast(client, election, BUDGET, ["A"], await sign_in())
    assert first_voter.status_code == 201
    voters = [await sign_in() for _ in range(4)]
    assert await _terminate_backends(database_url) >= 1

    first = await cast(client, election, BUDGET, ["A"], voters[0])
    full_casts.clear()
    later = [await cast(client, election, BUDGET, ["B"], voter) for voter in voters[1:]]

    assert first.status_code == 201, first.text
    assert [r.status_code for r in later] == [201, 201, 201]
    assert full_casts == [], "once healed, first casts take the first-cast path again"
    assert await counts(engine, election.budgets[BUDGET]) == (5, 5)
