"""Fixtures for voting tests: the demo round open for voting, and signed-in residents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.settings import Settings
from pb.voting import service
from pb.voting.prepared import CastRequest
from tests.conftest import Clock
from tests.factories import DemoWorld
from tests.pb.auth.helpers import resident_headers
from tests.pb.voting.election import Election, open_voting

SignIn = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
async def election(engine: AsyncEngine, clock: Clock, world: DemoWorld) -> Election:
    return await open_voting(engine, clock, world)


@pytest.fixture
def sign_in(engine: AsyncEngine, settings: Settings, clock: Clock) -> SignIn:
    """Signs a resident in (a Hyrylä resident born 1980 unless claims say otherwise); returns headers.

    Without a national id the person is their issuer and subject, unique per call: random test HETUs of one
    birth date would make two residents one person now and then.
    """

    async def signed_in(**claims: Any) -> dict[str, str]:
        claims.setdefault("national_id", None)
        return await resident_headers(engine, settings, clock, **claims)

    return signed_in


@pytest.fixture
def full_casts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the casts that took the full transaction."""
    calls: list[int] = []
    full = service.cast_ballot

    async def counted(session: Any, request: CastRequest, **kwargs: Any) -> Any:
        calls.append(request.budget_id)
        return await full(session, request, **kwargs)

    monkeypatch.setattr(service, "cast_ballot", counted)
    return calls
