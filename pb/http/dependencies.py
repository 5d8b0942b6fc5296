"""Values handlers receive: the request's transaction, the clock and the caller."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import Resident
from pb.auth.principal import Principal
from pb.auth.sessions import authenticate_resident, session_resident, verify_session_token
from pb.auth.tokens import authenticate, is_api_token
from pb.core.clock import Clock
from pb.core.db import SessionMaker, transaction
from pb.core.errors import Forbidden, Unauthorized
from pb.core.models import Role
from pb.core.schemas import MAX_ID
from pb.core.settings import Settings
from pb.voting.cache import VotingCache

# Handler parameters that Litestar fills by name from the app's dependencies.
DbSession = NamedDependency[AsyncSession]
Now = NamedDependency[datetime]
Caller = NamedDependency[Principal]
AppSettings = NamedDependency[Settings]
Voter = NamedDependency[Resident]
"""A signed-in resident: parameter ``resident`` with ``dependencies={"resident": Provide(provide_resident)}``."""
VotingCaches = NamedDependency[VotingCache]
"""The app's voting cache: parameter ``voting_cache`` (an app-wide dependency)."""

# Row ids in paths and queries (``round_id: FromPath[Id]``, ``FromQuery[OptionalId]``): bounded here, so a number
# beyond the id columns' range is a 422 naming the parameter, not an overflow in the database driver.
Id = Annotated[int, Parameter(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
Offset = Annotated[int, Parameter(ge=0, le=MAX_ID)]
"""How many rows a page skips."""

SESSION_COOKIE = "__Host-pb_session"
CSRF_COOKIE = "__Host-pb_csrf"
"""``__Host-`` like the session cookie: only this host, over HTTPS, may set it (no sibling subdomain can)."""
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def provide_voting_cache(state: State) -> VotingCache:
    cache: VotingCache = state.voting_cache
    return cache


def bearer_token(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


PRINCIPAL_STATE = "pb.principal"
"""Where :func:`authorise_first` leaves the caller it authenticated, so that it is authenticated once."""
ROLES_OPT = "roles"
"""A handler's (or its controller's) ``opt`` key: the roles that may call it at all, judged before its body."""


async def provide_principal(
    request: Request[Any, Any, Any], state: State, settings: AppSettings, now: Now
) -> Principal:
    """The authenticated caller; a missing or bad token is 401."""
    known = request.scope.get("state", {}).get(PRINCIPAL_STATE)
    if isinstance(known, Principal):
        return known
    # Authentication reads in a transaction of its own: Litestar does not clean up dependencies resolved
    # before one that raises, so a 401 must not leave the request's transaction holding a connection.
    async with transaction(state.sessionmaker) as db_session:
        return await _principal(request, db_session, settings, now)


def only(roles: frozenset[Role]) -> dict[str, Any]:
    """A controller's or handler's ``opt``: only these roles may call its endpoints that need the caller."""
    return {ROLES_OPT: roles}


async def authorise_first(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """An app-wide guard: a handler that needs the caller authenticates them, and checks the roles it declares
    (``opt={"roles": ...}``), before Litestar reads the request's body. A caller who may not use an endpoint
    learns nothing about its body from the answer: no token is 401, a resident on an official endpoint is 403,
    whatever the body holds (it is never parsed). Finer checks (which municipality) stay in the services.
    """
    provider = handler.resolve_dependencies().get("principal")
    if provider is None or provider.dependency is not provide_principal:
        return
    state = connection.app.state
    settings: Settings = state.settings
    async with transaction(state.sessionmaker) as db_session:
        principal = await _principal(connection, db_session, settings, state.clock())
    connection.scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
    roles: frozenset[Role] | None = handler.opt.get(ROLES_OPT)
    if roles is not None and principal.role not in roles:
        raise Forbidden("your role may not use this endpoint")


async def _principal(
    request: ASGIConnection[Any, Any, Any, Any], db_session: AsyncSession, settings: Settings, now: datetime
) -> Principal:
    token = bearer_token(request)
    if token is None:
        if request.cookies.get(SESSION_COOKIE) is None:
            raise Unauthorized("sign in or send an API token (Authorization: Bearer ...)")
        resident = await _resident(request, db_session, settings, now)
        return Principal(subject=resident.session_id, role=Role.RESIDENT)
    try:
        return await authenticate(db_session, settings, token, now=now)
    except Unauthorized:
        # A resident's session token is valid here too, as a resident: official endpoints then answer 403.
        resident = await authenticate_resident(db_session, settings, token, now=now)
        return Principal(subject=resident.session_id, role=Role.RESIDENT)




def resident_claims(settings: Settings, token: str, *, now: datetime) -> dict[str, Any]:
    """A resident's session token checked; an official's API token is refused with why, any other with 401."""
    try:
        return verify_session_token(settings, token, now=now)
    except Unauthorized:
        if is_api_token(settings, token):
            raise Unauthorized(
                "this endpoint needs a resident's session (sign in at /auth/login); an API token is not one"
            ) from None
        raise


def csrf_token(settings: Settings, session_id: str) -> str:
    """The double-submit CSRF token of a session, bound to it so that a planted cookie does not help."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"pb/csrf/" + session_id.encode(), hashlib.sha256).hexdigest()


def ensure_csrf(request: ASGIConnection[Any, Any, Any, Any], settings: Settings, session_id: str) -> None:
    """Cookie-authenticated writes carry the session's CSRF token in both a header and a cookie."""
    if request.scope.get("method") in SAFE_METHODS:
        return
    header = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    expected = csrf_token(settings, session_id)
    if not (hmac.compare_digest(header, expected) and hmac.compare_digest(cookie, expected)):
        raise Forbidden("missing or wrong CSRF token (send the __Host-pb_csrf cookie's value in X-CSRF-Token)")


async def provide_resident(
    request: Request[Any, Any, Any], state: State, settings: AppSettings, now: Now
) -> Resident:
    """The signed-in resident, from a bearer session token or the session cookie; else 401."""
    async with transaction(state.sessionmaker) as db_session:  # its own, as in provide_principal
        return await _resident(request, db_session, settings, now)


@dataclass(frozen=True, slots=True)
class Credential:
    """A session token whose signature, claims and (for a cookie) CSRF token were checked; not yet its row."""

    session_id: str
    now: datetime
    """The service clock's time the token was judged at; the handler uses the same."""
    from_cookie: bool = False
    """Sent as the session cookie, so a write must also carry the CSRF token."""


Credentials = NamedDependency[Credential]
"""Parameter ``credential`` with ``dependencies={"credential": Provide(provide_credential, sync_to_thread=False)}``."""


CREDENTIAL_STATE = "pb.credential"
"""Where a route's middleware leaves the :class:`Credential` it verified, so that it is verified once."""


def session_credential(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings, now: datetime) -> Credential:
    """The session token of the request (bearer, else cookie), its signature and claims checked; else 401."""
    token = bearer_token(connection)
    cookie = None if token is not None else connection.cookies.get(SESSION_COOKIE)
    if token is None and cookie is None:
        raise Unauthorized("sign in first")
    claims = resident_claims(settings, token or cookie or "", now=now)
    return Credential(claims["sid"], now, from_cookie=cookie is not None)


def provide_credential(request: Request[Any, Any, Any]) -> Credential:
    """The caller's session token, checked without the database (bad tokens are a 401 before the body is judged).

    The session row (revocation, expiry) is checked by the handler in its own transaction with
    :func:`pb.auth.sessions.session_resident`, so that a cast takes one transaction and one connection.
    It depends on nothing but the request: Litestar resolves a batch of several dependencies in a task group,
    which costs more than the work itself on the cast's hot path.
    """
    credential = request.scope.get("state", {}).get(CREDENTIAL_STATE)
    state = request.app.state
    settings: Settings = state.settings
    if not isinstance(credential, Credential):
        credential = session_credential(request, settings, state.clock())
    if credential.from_cookie:
        ensure_csrf(request, settings, credential.session_id)
    return credential


async def _resident(
    request: ASGIConnection[Any, Any, Any, Any], db_session: AsyncSession, settings: Settings, now: datetime
) -> Resident:
    token = bearer_token(request)
    if token is not None:
        return await session_resident(db_session, resident_claims(settings, token, now=now)["sid"], now=now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        raise Unauthorized("sign in first")
    resident = await authenticate_resident(db_session, settings, cookie, now=now)
    ensure_csrf(request, settings, resident.session_id)
    return resident
