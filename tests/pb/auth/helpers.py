"""Signing residents in without the OIDC dance, for tests of slices that need a resident."""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.identity import IdentityClaims, Resident
from pb.auth.sessions import open_session
from pb.core.db import create_sessionmaker
from pb.core.settings import Settings
from tests.conftest import Clock

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGN = {18: "+", 19: "-", 20: "A"}


def hetu(birth_date: date, individual: int | None = None) -> str:
    """A Finnish personal identity code; individual numbers 900-999 are the ones reserved for tests."""
    number = individual if individual is not None else 900 + secrets.randbelow(100)
    digits = f"{birth_date:%d%m}{birth_date.year % 100:02d}{number:03d}"
    return f"{digits[:6]}{CENTURY_SIGN[birth_date.year // 100]}{digits[6:]}{HETU_CHECK[int(digits) % 31]}"


def identity(**claims: Any) -> IdentityClaims:
    """Verified claims of a Tuusula resident in Hyrylä (04300), born 1980-01-01, at substantial assurance."""
    birth_date = claims.pop("birth_date", date(1980, 1, 1))
    values: dict[str, Any] = {
        "issuer": "https://idp.test",
        "subject": uuid.uuid4().hex,
        "national_id": hetu(birth_date) if birth_date is not None else None,
        "birth_date": birth_date,
        "municipality_code": "858",
        "postal_code": "04300",
        "acr": "substantial",
        "name": "Testi Asukas",
    }
    unknown = claims.keys() - values.keys()
    if unknown:
        raise TypeError(f"unknown identity claims: {sorted(unknown)}")
    values.update(claims)
    return IdentityClaims(**values)


async def sign_in(
    engine: AsyncEngine, settings: Settings, clock: Clock, **claims: Any
) -> tuple[str, Resident]:
    """Open a resident session directly; returns the session token and the resident."""
    async with create_sessionmaker(engine)() as session, session.begin():
        return await open_session(session, settings, claims=identity(**claims), now=clock())


async def resident_headers(
    engine: AsyncEngine, settings: Settings, clock: Clock, **claims: Any
) -> dict[str, str]:
    """Authorization headers of a freshly signed-in resident; ``claims`` override the defaults."""
    token, _ = await sign_in(engine, settings, clock, **claims)
    return {"Authorization": f"Bearer {token}"}
