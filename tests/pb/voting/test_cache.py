"""The app's voting cache (pb.voting.cache): owned by one app, forgotten by transitions, read once per round."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from pb.app import create_app
from pb.core.db import create_sessionmaker
from pb.core.models import Phase, Role, RoundPhase
from pb.core.settings import Settings
from pb.lifecycle.phases import advance_by_schedule
from pb.voting import cache as cache_module
from pb.voting.cache import VotingCache
from pb.voting.errors import ConfigDrift
from pb.voting.frozen import FrozenRound, load_frozen_round
from tests.conftest import Clock, Tokens, asgi_transport
from tests.factories import DemoWorld
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast

BUDGET = "luonto-ja-liikunta"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the readings of a frozen configuration from the database; each yields once, so that casts
    asking meanwhile overlap it."""
    calls: list[int] = []
    load = load_frozen_round

    async def counted(session: Any, round_id: int, frozen_hash: str) -> FrozenRound:
        calls.append(round_id)
        await asyncio.sleep(0.01)
        return await load(session, round_id, frozen_hash)

    monkeypatch.setattr(cache_module, "load_frozen_round", counted)
    return calls


def _cache(app: Litestar) -> VotingCache:
    cache: VotingCache = app.state.voting_cache
    return cache


async def test_a_transition_makes_the_app_forget_the_round(
    app: Litestar, client: httpx.AsyncClient, engine: AsyncEngine, world: DemoWorld, election: Election,
    sign_in: SignIn, tokens: Tokens, loads: list[int],
) -> None:
    budget_id = election.budgets[BUDGET]
    assert (await cast(client, election, BUDGET, ["A"], await sign_in())).status_code == 201
    assert _cache(app).open_budget(budget_id) is not None
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    moved = await client.post(f"/rounds/{election.round_id}/transitions", json={"to": "tallying"}, headers=official)

    assert moved.status_code == 200, moved.text
    assert _cache(app).open_budget(budget_id) is None
    async with create_sessionmaker(engine)() as session:
        await _cache(app).frozen_round(session, election.round_id, election.config_hash)
    assert loads == [election.round_id, election.round_id], "the frozen configuration was forgotten too"


async def test_a_scheduled_transition_makes_the_cache_forget_the_round(
    app: Litestar, client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election,
    sign_in: SignIn,
) -> None:
    budget_id = election.budgets[BUDGET]
    assert (await cast(client, election, BUDGET, ["A"], await sign_in())).status_code == 201
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():  # tallying due now, as the schedule would have it
        await session.exec(delete(RoundPhase).where(
            col(RoundPhase.round_id) == election.round_id, col(RoundPhase.phase) == Phase.TALLYING.value))
        session.add(RoundPhase(round_id=election.round_id, phase=Phase.TALLYING.value, starts_at=clock(),
                               ends_at=clock() + timedelta(days=1)))

    async with sessionmaker() as session, session.begin():
        moves = await advance_by_schedule(session, now=clock(), cache=_cache(app))

    assert moves == [(election.round_id, Phase.TALLYING)]
    assert _cache(app).open_budget(budget_id) is None


async def test_two_apps_share_no_voting_state(
    settings: Settings, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    first, second = (create_app(settings, engine=engine, clock=clock, run_scheduler=False) for _ in range(2))
    async with httpx.AsyncClient(transport=asgi_transport(first), base_url="http://pb.test") as http:
        assert (await cast(http, election, BUDGET, ["A"], await sign_in())).status_code == 201

    assert _cache(first) is not _cache(second)
    assert _cache(first).open_budget(election.budgets[BUDGET]) is not None
    assert _cache(second).open_budget(election.budgets[BUDGET]) is None


async def test_simultaneous_casts_read_the_frozen_configuration_once(
    engine: AsyncEngine, election: Election, loads: list[int]
) -> None:
    cache = VotingCache()
    sessionmaker = create_sessionmaker(engine)

    async def ask() -> FrozenRound:
        async with sessionmaker() as session:
            return await cache.frozen_round(session, election.round_id, election.config_hash)

    answers = await asyncio.gather(*(ask() for _ in range(12)))

    assert loads == [election.round_id]
    assert all(a is answers[0] for a in answers)
    assert answers[0].config_hash == election.config_hash


async def test_a_failed_reading_is_not_kept_and_each_caller_is_told(
    engine: AsyncEngine, election: Election, loads: list[int]
) -> None:
    cache = VotingCache()
    sessionmaker = create_sessionmaker(engine)

    async def ask(frozen_hash: str) -> FrozenRound:
        async with sessionmaker() as session:
            return await cache.frozen_round(session, election.round_id, frozen_hash)

    drifted = await asyncio.gather(*(ask("0" * 64) for _ in range(3)), return_exceptions=True)
    right = await ask(election.config_hash)

    assert all(isinstance(d, ConfigDrift) for d in drifted)
    assert len(loads) == 4, "each waiter read again after the failure, then the right hash once"
    assert right.config_hash == election.config_hash

