"""Officials' API tokens: JWTs signed by pb, one algorithm, expiry enforced, revocable."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import jwt
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal
from pb.core.errors import InvalidInput, NotFound, Unauthorized
from pb.core.models import ApiToken, Municipality, Network, Role
from pb.core.settings import Settings

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 (a JWT type, not a secret)
LEEWAY_S = 30


async def issue_token(
    session: AsyncSession,
    settings: Settings,
    *,
    subject: str,
    role: Role,
    now: datetime,
    municipality_id: int | None = None,
    network_id: int | None = None,
    ttl: timedelta | None = None,
) -> tuple[str, ApiToken]:
    """Record and sign a new token; returns the encoded JWT and its record."""
    if role is Role.OFFICIAL and municipality_id is None:
        raise InvalidInput("an official's token names a municipality", field="municipality")
    if role is Role.COORDINATOR:
        if network_id is None:
            raise InvalidInput("a coordinator's token names a network", field="network")
        network = await session.get(Network, network_id)
        if network is None:
            raise NotFound("network %(network_id)s does not exist", field="network", network_id=network_id)
        municipality_id = network.municipality_id
    if municipality_id is not None and await session.get(Municipality, municipality_id) is None:
        raise NotFound(
            "municipality %(municipality_id)s does not exist",
            field="municipality", municipality_id=municipality_id,
        )
    expires_at = now + (ttl or timedelta(days=settings.token_ttl_days))
    record = ApiToken(
        jti=secrets.token_urlsafe(24),
        subject=subject,
        role=role.value,
        municipality_id=municipality_id,
        network_id=network_id,
        issued_at=now,
        expires_at=expires_at,
    )
    session.add(record)
    await session.flush()
    claims = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": subject,
        "jti": record.jti,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "role": role.value,
        "mun": municipality_id,
        "net": network_id,
    }
    token = jwt.encode(
        claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE}
    )
    return token, record


async def authenticate(session: AsyncSession, settings: Settings, token: str, *, now: datetime) -> Principal:
    """Verify a bearer token and its record; any doubt is a 401 that says nothing more."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM or "crit" in header:
            raise Unauthorized("invalid token")
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            options={
                "require": ["exp", "iat", "nbf", "sub", "jti", "iss", "aud"],
                # Times are checked below against the service's clock, the one everything else uses.
                "verify_exp": False, "verify_nbf": False, "verify_iat": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid token") from exc
    if not _current(claims, now):
        raise Unauthorized("invalid token")
    record = await session.get(ApiToken, claims["jti"])
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        raise Unauthorized("invalid token")
    if record.subject != claims["sub"] or record.role != claims.get("role"):
        raise Unauthorized("invalid token")
    return Principal(
        subject=record.subject,
        role=Role(record.role),
        municipality_id=record.municipality_id,
        network_id=record.network_id,
        token_id=record.jti,
    )


def is_api_token(settings: Settings, token: str) -> bool:
    """Whether ``token`` says it is one of pb's API tokens. Unverified: it only chooses the words of a refusal."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return isinstance(claims, dict) and claims.get("aud") == settings.token_audience


async def revoke_token(session: AsyncSession, *, jti: str, now: datetime) -> ApiToken:
    record = await session.get(ApiToken, jti)
    if record is None:
        raise NotFound("token %(jti)s does not exist", field="jti", jti=jti)
    if record.revoked_at is None:
        record.revoked_at = now
    return record


def _current(claims: dict[str, object], now: datetime) -> bool:
    """Whether the token's validity window, give or take the leeway, contains ``now``."""
    exp, nbf, iat = (claims.get(name) for name in ("exp", "nbf", "iat"))
    if not (type(exp) is int and type(nbf) is int and type(iat) is int):
        return False
    moment = now.timestamp()
    return exp > moment - LEEWAY_S and nbf <= moment + LEEWAY_S and iat <= moment + LEEWAY_S
