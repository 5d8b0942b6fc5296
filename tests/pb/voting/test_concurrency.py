"""P2 under load: 200 concurrent casts by one resident, spread over four app PROCESSES (uvicorn on loopback, each
with its own connection pool, sharing the keys through the environment) and one PostgreSQL, leave exactly one
counted ballot (C1, C4)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.app import create_app
from pb.core.settings import Settings
from tests.conftest import Clock, asgi_transport
from tests.factories import DemoWorld
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, close_voting, counts, open_voting

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
INSTANCES = 4
POOL = 3
CASTS = 200
START_TIMEOUT_S = 60
"""On a loaded 2-core machine four processes importing pb can take well over 20 s to answer."""
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def _processes(settings: Settings) -> AsyncIterator[list[str]]:
    """INSTANCES uvicorn processes serving pb against the test's database; yields their base URLs."""
    env = {
        **os.environ, "PB_ENV": "test", "PB_DATABASE_URL": settings.database_url,
        "PB_SESSION_PRIVATE_KEY": settings.session_private_key.get_secret_value(),
        "PB_VOTER_KEY_SECRET": settings.voter_key_secret.get_secret_value(),
        "PB_SECRET_KEY": settings.secret_key.get_secret_value(),
        "PB_DB_POOL_SIZE": str(POOL), "PB_LOG_LEVEL": "WARNING",
    }
    ports = [_free_port() for _ in range(INSTANCES)]
    servers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "tests.pb.voting.served:create_unlimited", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
            env=env, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with httpx.AsyncClient() as http:
            deadline = time.monotonic() + START_TIMEOUT_S
            for base, server in zip(bases, servers, strict=True):
                while True:
                    assert server.returncode is None, "an app process exited"
                    assert time.monotonic() < deadline, f"the app processes did not start within {START_TIMEOUT_S} s"
                    try:
                        if (await http.get(f"{base}/health", timeout=2)).status_code < 500:
                            break
                    except httpx.TransportError:
                        await asyncio.sleep(0.1)
        yield bases
    finally:
        for server in servers:
            if server.returncode is None:
                server.terminate()
        for server in servers:
            try:
                await asyncio.wait_for(server.wait(), timeout=10)
            except TimeoutError:
                server.kill()
                await server.wait()


async def _storm(settings: Settings, election: Election, headers: list[dict[str, str]],
                 bodies: list[dict[str, object]], budget: str = "hyryla",
                 started: asyncio.Event | None = None) -> list[httpx.Response]:
    """Release casts (headers[i], bodies[i]) together against the app processes; returns the responses."""
    async with _processes(settings) as bases:
        limits = httpx.Limits(max_connections=CASTS)
        async with httpx.AsyncClient(limits=limits, timeout=30) as http:
            go = asyncio.Event()

            async def one(i: int) -> httpx.Response:
                await go.wait()
                return await http.post(
                    f"{bases[i % INSTANCES]}/budgets/{election.budgets[budget]}/ballot", json=bodies[i],
                    headers={**headers[i % len(headers)], "Idempotency-Key": uuid.uuid4().hex},
                )

            tasks = [asyncio.create_task(one(i)) for i in range(len(bodies))]
            await asyncio.sleep(0.05)
            go.set()
            if started is not None:
                started.set()
            return list(await asyncio.gather(*tasks))


@pytest.fixture(autouse=True)
def real_time(clock: Clock) -> None:
    """The app processes run on the system clock: sessions are minted on it too."""
    clock.now = datetime.now(UTC)


def _ballots(election: Election, n: int) -> list[dict[str, object]]:
    choices = [["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "C"]]
    return [{"selections": choices[i % len(choices)], "config_hash": election.config_hash} for i in range(n)]


@POSTGRES_ONLY
async def test_200_concurrent_casts_without_revoting_give_one_201_and_one_ballot(
    engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld, sign_in: SignIn
) -> None:
    election = await open_voting(engine, clock, world, allow_revoting=False)
    headers = await sign_in()

    responses = await _storm(settings, election, [headers], _ballots(election, CASTS))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CASTS - 1}, statuses
    assert await counts(engine) == (1, 1)
    await close_voting(engine, clock, election)
    winner = next(r for r in responses if r.status_code == 201).json()
    async with httpx.AsyncClient(transport=asgi_transport(
            create_app(settings, engine=engine, clock=clock, run_scheduler=False)), base_url="http://x") as http:
        board = (await http.get(f"/budgets/{election.budgets['hyryla']}/board")).json()
    assert [b["receipt"] for b in board["ballots"]] == [winner["receipt"]]


@POSTGRES_ONLY
async def test_200_concurrent_revotes_leave_exactly_one_counted_ballot(
    engine: AsyncEngine, settings: Settings, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    headers = await sign_in()

    responses = await _storm(settings, election, [headers], _ballots(election, CASTS))

    assert {r.status_code for r in responses} <= {201}, Counter(r.status_code for r in responses)
    assert await counts(engine) == (1, 1)


@POSTGRES_ONLY
async def test_closing_while_casts_are_in_flight_publishes_exactly_the_acknowledged_ballots(
    engine: AsyncEngine, settings: Settings, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    voters = [await sign_in() for _ in range(60)]

    started = asyncio.Event()
    storm = asyncio.ensure_future(_storm(settings, election, voters, _ballots(election, len(voters)),
                                         budget="luonto-ja-liikunta", started=started))
    # The storm may fail before it releases the casts (an app process that does not start): waiting on the
    # event alone would then wait for ever.
    release = asyncio.ensure_future(started.wait())
    await asyncio.wait({storm, release}, return_when=asyncio.FIRST_COMPLETED)
    release.cancel()
    if not started.is_set():
        storm.result()  # the storm ended before releasing the casts: raise what went wrong
        pytest.fail("the storm ended without releasing the casts")
    await asyncio.sleep(0.08)
    await close_voting(engine, clock, election)
    responses = await storm

    acknowledged = sum(r.status_code == 201 for r in responses)
    assert {r.status_code for r in responses} <= {201, 409}
    participations, ballots = await counts(engine, election.budgets["luonto-ja-liikunta"])
    assert acknowledged == participations == ballots
