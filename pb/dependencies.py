"""Values handlers receive: the request's transaction, the clock and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal
from pb.auth.tokens import authenticate
from pb.db import SessionMaker, transaction
from pb.errors import Unauthorized
from pb.settings import Settings

Clock = Callable[[], datetime]

# Handler parameters that Litestar fills by name from the app's dependencies.
DbSession = NamedDependency[AsyncSession]
Now = NamedDependency[datetime]
Caller = NamedDependency[Principal]
AppSettings = NamedDependency[Settings]


def system_clock() -> datetime:
    return datetime.now(UTC)


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    sessionmaker: SessionMaker = state.sessionmaker
    async with transaction(sessionmaker) as session:
        yield session


def provide_now(state: State) -> datetime:
    clock: Clock = state.clock
    return clock()


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def provide_principal(
    request: Request[Any, Any, Any], db_session: DbSession, settings: AppSettings, now: Now
) -> Principal:
    """The authenticated caller; a missing or bad token is 401."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("sign in or send an API token (Authorization: Bearer ...)")
    return await authenticate(db_session, settings, token, now=now)
