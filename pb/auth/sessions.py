"""Resident sessions: a server-side row that can be revoked, and a short-lived token signed by pb."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import bindparam, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.identity import IdentityClaims, Resident, person_key
from pb.auth.models import ResidentSession
from pb.auth.principal import Principal, ensure_admin
from pb.auth.signing import signing_key, verifying_keys
from pb.core.errors import NotFound, Unauthorized
from pb.core.settings import Settings

TOKEN_TYPE = "at+jwt"  # noqa: S105 (a media type, not a secret)
LEEWAY_S = 30
REQUIRED_CLAIMS = ("iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp")
# Headers that would let a token choose its own key or demand unknown processing: never honoured.
FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit"})


async def open_session(
    db: AsyncSession, settings: Settings, *, claims: IdentityClaims, now: datetime
) -> tuple[str, Resident]:
    """Start a new session (always a new id) for verified claims; returns its token and the resident."""
    record = ResidentSession(
        id=secrets.token_urlsafe(24),
        person_key=person_key(claims, master=settings.voter_key_master),
        birth_date=claims.birth_date,
        municipality_code=claims.municipality_code,
        postal_code=claims.postal_code,
        acr=claims.acr,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.session_ttl_minutes),
    )
    db.add(record)
    await db.flush()
    values = [getattr(record, column.name) for column in SESSION_COLUMNS]
    return _sign(settings, record), session_from_row(record.id, values, now=now, display_name=claims.name)


def _sign(settings: Settings, record: ResidentSession) -> str:
    key = signing_key(settings)
    payload = {
        "iss": settings.token_issuer,
        "aud": settings.session_audience,
        "sub": record.id,
        "sid": record.id,
        "jti": secrets.token_urlsafe(16),
        "iat": int(record.created_at.timestamp()),
        "nbf": int(record.created_at.timestamp()),
        "exp": int(record.expires_at.timestamp()),
    }
    return jwt.encode(payload, key.key, algorithm=key.algorithm, headers={"typ": TOKEN_TYPE, "kid": key.kid})


def verify_session_token(settings: Settings, token: str, *, now: datetime) -> dict[str, Any]:
    """Check a session token's header, signature and claims against ``now``; any doubt is a 401."""
    keys = verifying_keys(settings)
    try:
        if len(keys) == 1:
            # One key (no rotation under way): the header is parsed once, by the decode, and judged after it.
            key = next(iter(keys.values()))
        else:
            found = keys.get(str(jwt.get_unverified_header(token).get("kid", "")))
            if found is None:
                raise Unauthorized("invalid token")
            key = found
        decoded = jwt.decode_complete(
            token,
            key.key,
            algorithms=[key.algorithm],
            audience=settings.session_audience,
            issuer=settings.token_issuer,
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_nbf": False,
                     "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid token") from exc
    header: dict[str, Any] = decoded["header"]
    if (
        header.get("kid") != key.kid
        or header.get("typ") != TOKEN_TYPE
        or header.get("alg") != key.algorithm
        or FORBIDDEN_HEADERS & header.keys()
    ):
        raise Unauthorized("invalid token")
    claims: dict[str, Any] = decoded["payload"]
    check_times(claims, now=now, leeway_s=LEEWAY_S)
    if not isinstance(claims["sid"], str) or claims["sub"] != claims["sid"]:
        raise Unauthorized("invalid token")
    return claims


def check_times(claims: dict[str, Any], *, now: datetime, leeway_s: int) -> None:
    """``exp``, ``nbf`` and ``iat`` against the service's clock (PyJWT would use the system's)."""
    moment = now.timestamp()
    times = [claims.get(name) for name in ("exp", "nbf", "iat")]
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in times):
        raise Unauthorized("invalid token")
    exp, nbf, iat = times
    if exp <= moment - leeway_s or nbf > moment + leeway_s or iat > moment + leeway_s:  # type: ignore[operator]
        raise Unauthorized("invalid token")


async def authenticate_resident(
    db: AsyncSession, settings: Settings, token: str, *, now: datetime
) -> Resident:
    """The resident behind a session token; revoked, expired or unknown sessions are a 401."""
    claims = verify_session_token(settings, token, now=now)
    return await session_resident(db, claims["sid"], now=now)


_SESSION_TABLE: Any = ResidentSession.__table__  # type: ignore[attr-defined]
SESSION_COLUMNS: tuple[Any, ...] = (
    _SESSION_TABLE.c.person_key, _SESSION_TABLE.c.birth_date, _SESSION_TABLE.c.municipality_code,
    _SESSION_TABLE.c.postal_code, _SESSION_TABLE.c.acr, _SESSION_TABLE.c.expires_at, _SESSION_TABLE.c.revoked_at,
)
"""What :func:`session_from_row` reads of a session, in its order; statements that read a session select these."""
SESSION_ROW = select(*SESSION_COLUMNS).where(_SESSION_TABLE.c.id == bindparam("session_id"))


async def session_resident(db: AsyncSession, session_id: str, *, now: datetime) -> Resident:
    """The resident of a session whose token was verified; revoked, expired or unknown sessions are a 401.

    Read with a Core statement in the caller's transaction (no ORM identity map or unit of work).
    """
    row = (await (await db.connection()).execute(SESSION_ROW, {"session_id": session_id})).first()
    return session_from_row(session_id, row, now=now)


def session_from_row(
    session_id: str, row: Sequence[Any] | None, *, now: datetime, display_name: str | None = None
) -> Resident:
    """The resident of a session's :data:`SESSION_COLUMNS` (None: no such session); revoked, expired or unknown
    sessions are a 401. The one place that judges a session and builds its Resident."""
    if row is None:
        raise Unauthorized("invalid token")
    person, birth_date, municipality_code, postal_code, acr, expires_at, revoked_at = row
    if revoked_at is not None or expires_at <= now:
        raise Unauthorized("invalid token")
    return Resident(
        session_id=session_id, person_key=person, birth_date=birth_date, municipality_code=municipality_code,
        postal_code=postal_code, acr=acr, display_name=display_name,
    )


async def close_session(db: AsyncSession, *, session_id: str, now: datetime) -> None:
    """Log out: the session's tokens stop working at once."""
    record = await db.get(ResidentSession, session_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = now


async def terminate_session(db: AsyncSession, *, session_id: str, actor: Principal, now: datetime) -> None:
    """An administrator ends a resident's session, for example after a stolen device is reported."""
    ensure_admin(actor)
    record = await db.get(ResidentSession, session_id)
    if record is None:
        raise NotFound("no such session", field="session_id")
    if record.revoked_at is None:
        record.revoked_at = now
    await audit.record(
        db, actor=actor.actor, action="resident_session.terminate", target=f"resident_session:{session_id}",
        now=now,
    )
