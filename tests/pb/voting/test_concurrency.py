"""P2 under load: 200 concurrent casts by one resident, spread over four app instances with their own engines
and connection pools sharing one PostgreSQL, leave exactly one counted ballot (C1, C4)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pb.app import create_app
from pb.settings import Settings
from tests.conftest import Clock
from tests.factories import DemoWorld
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, close_voting, counts, open_voting

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
INSTANCES = 4
POOL = 4
CASTS = 200


async def _storm(settings: Settings, clock: Clock, election: Election, headers: list[dict[str, str]],
                 bodies: list[dict[str, object]], budget: str = "hyryla") -> list[httpx.Response]:
    """Release casts (headers[i], bodies[i]) together against several app instances; returns the responses."""
    # Small fixed pools: other test runs share the server's connection limit.
    engines = [create_async_engine(settings.database_url, pool_size=POOL, max_overflow=0, pool_timeout=60)
               for _ in range(INSTANCES)]
    apps = [create_app(settings, engine=e, clock=clock, run_scheduler=False) for e in engines]
    for app in apps:
        app.state.cast_rate_per_minute = 100_000
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pb.test") for app in apps]
    go = asyncio.Event()

    async def one(i: int) -> httpx.Response:
        await go.wait()
        return await clients[i % INSTANCES].post(
            f"/budgets/{election.budgets[budget]}/ballot", json=bodies[i],
            headers={**headers[i % len(headers)], "Idempotency-Key": uuid.uuid4().hex},
        )

    tasks = [asyncio.create_task(one(i)) for i in range(len(bodies))]
    await asyncio.sleep(0.05)
    go.set()
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for client in clients:
            await client.aclose()
        for engine in engines:
            await engine.dispose()


def _ballots(election: Election, n: int) -> list[dict[str, object]]:
    choices = [["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "C"]]
    return [{"selections": choices[i % len(choices)], "config_hash": election.config_hash} for i in range(n)]


@POSTGRES_ONLY
async def test_200_concurrent_casts_without_revoting_give_one_201_and_one_ballot(
    engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld, sign_in: SignIn
) -> None:
    election = await open_voting(engine, clock, world, allow_revoting=False)
    headers = await sign_in()

    responses = await _storm(settings, clock, election, [headers], _ballots(election, CASTS))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CASTS - 1}, statuses
    assert await counts(engine) == (1, 1)
    await close_voting(engine, clock, election)
    winner = next(r for r in responses if r.status_code == 201).json()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(
            app=create_app(settings, engine=engine, clock=clock, run_scheduler=False)), base_url="http://x") as http:
        board = (await http.get(f"/budgets/{election.budgets['hyryla']}/board")).json()
    assert [b["receipt"] for b in board["ballots"]] == [winner["receipt"]]


@POSTGRES_ONLY
async def test_200_concurrent_revotes_leave_exactly_one_counted_ballot(
    engine: AsyncEngine, settings: Settings, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    headers = await sign_in()

    responses = await _storm(settings, clock, election, [headers], _ballots(election, CASTS))

    assert {r.status_code for r in responses} <= {201}, Counter(r.status_code for r in responses)
    assert await counts(engine) == (1, 1)


@POSTGRES_ONLY
async def test_closing_while_casts_are_in_flight_publishes_exactly_the_acknowledged_ballots(
    engine: AsyncEngine, settings: Settings, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    voters = [await sign_in() for _ in range(60)]

    storm = asyncio.ensure_future(_storm(settings, clock, election, voters, _ballots(election, len(voters)),
                                         budget="luonto-ja-liikunta"))
    await asyncio.sleep(0.08)
    await close_voting(engine, clock, election)
    responses = await storm

    acknowledged = sum(r.status_code == 201 for r in responses)
    assert {r.status_code for r in responses} <= {201, 409}
    participations, ballots = await counts(engine, election.budgets["luonto-ja-liikunta"])
    assert acknowledged == participations == ballots
