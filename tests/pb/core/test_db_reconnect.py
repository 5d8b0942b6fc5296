"""F3: losing the database's connections (a restart, a failover) never leaves lasting errors.

The pool does not ping on checkout (a round trip per request); a dropped connection is found when it is used,
the pool is invalidated, the request in flight answers 503 with Retry-After, and later requests succeed.
"""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import Tokens


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: SQLite has no server connections to lose."""
    return str(request.param)


async def _terminate_backends(database_url: str) -> int:
    url = make_url(database_url)
    connection = await asyncpg.connect(url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False))
    try:
        rows = await connection.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            url.database,
        )
    finally:
        await connection.close()
    return len(rows)


async def test_dropped_connections_heal(
    backend: str, database_url: str, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = await tokens.headers("admin")
    assert (await client.get("/municipalities", headers=headers)).status_code == 200
    assert await _terminate_backends(database_url) >= 1

    first = await client.get("/municipalities", headers=headers)
    assert first.status_code == 503, "the request in flight meets the dropped connection"
    assert first.json()["code"] == "database_unavailable"
    assert first.headers["retry-after"] == "1"
    for _ in range(5):
        assert (await client.get("/municipalities", headers=headers)).status_code == 200
