"""Resident sessions: pb-signed tokens bound to a revocable server-side session."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.models import ResidentSession
from pb.auth.sessions import authenticate_resident, close_session
from pb.core.db import create_sessionmaker
from pb.core.errors import Unauthorized
from pb.core.settings import Settings
from tests.conftest import Clock
from tests.factories import DemoWorld
from tests.pb.auth.helpers import hetu, resident_headers, sign_in


def test_hetu_helper_makes_valid_check_characters() -> None:
    assert hetu(date(1952, 10, 13), 308) == "131052-308T"  # the DVV example code
    assert hetu(date(2010, 1, 1), 999)[6] == "A"


async def test_session_token_authenticates_the_resident(engine: AsyncEngine, settings: Settings,
                                                        clock: Clock) -> None:
    token, resident = await sign_in(engine, settings, clock, postal_code="04310")

    async with create_sessionmaker(engine)() as db:
        again = await authenticate_resident(db, settings, token, now=clock())

    assert again.session_id == resident.session_id
    assert again.person_key == resident.person_key
    assert (again.municipality_code, again.postal_code) == ("858", "04310")
    assert again.birth_date == date(1980, 1, 1)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "at+jwt"
    assert header["kid"]


async def test_same_national_id_through_two_methods_is_one_person(engine: AsyncEngine, settings: Settings,
                                                                   clock: Clock) -> None:
    national_id = hetu(date(1980, 1, 1))
    _, bank = await sign_in(engine, settings, clock, national_id=national_id, subject="bank-1")
    _, mobile = await sign_in(engine, settings, clock, national_id=national_id, subject="mobile-7")
    _, other = await sign_in(engine, settings, clock)

    assert bank.person_key == mobile.person_key
    assert bank.session_id != mobile.session_id
    assert other.person_key != bank.person_key


async def test_without_national_id_the_person_is_issuer_and_subject(engine: AsyncEngine, settings: Settings,
                                                                     clock: Clock) -> None:
    _, first = await sign_in(engine, settings, clock, national_id=None, subject="s-1")
    _, second = await sign_in(engine, settings, clock, national_id=None, subject="s-1")
    _, other_idp = await sign_in(engine, settings, clock, national_id=None, subject="s-1", issuer="https://b.test")

    assert first.person_key == second.person_key != other_idp.person_key


async def test_session_row_holds_no_national_id_or_name(engine: AsyncEngine, settings: Settings,
                                                        clock: Clock) -> None:
    national_id = hetu(date(1980, 1, 1))
    token, resident = await sign_in(engine, settings, clock, national_id=national_id, name="Maija Mäki")

    async with create_sessionmaker(engine)() as db:
        row = await db.get(ResidentSession, resident.session_id)
    assert row is not None
    stored = repr(row.model_dump())
    assert national_id not in stored
    assert "Maija" not in stored
    assert national_id not in token
    assert "Maija" not in jwt.decode(token, options={"verify_signature": False}).values()


async def test_closed_or_expired_session_is_refused(
    engine: AsyncEngine, settings: Settings, clock: Clock
) -> None:
    token, resident = await sign_in(engine, settings, clock)
    expired, _ = await sign_in(engine, settings, clock)

    async with create_sessionmaker(engine)() as db, db.begin():
        await close_session(db, session_id=resident.session_id, now=clock())
    clock.advance(minutes=settings.session_ttl_minutes, seconds=31)

    async with create_sessionmaker(engine)() as db:
        with pytest.raises(Unauthorized):
            await authenticate_resident(db, settings, token, now=clock() - timedelta(minutes=1))
        with pytest.raises(Unauthorized):
            await authenticate_resident(db, settings, expired, now=clock())


async def test_resident_on_an_official_endpoint_is_forbidden(
    client: httpx.AsyncClient, world: DemoWorld, engine: AsyncEngine, settings: Settings, clock: Clock
) -> None:
    headers = await resident_headers(engine, settings, clock)

    created = await client.post(
        "/rounds",
        json={"municipality_id": world.municipality_id, "slug": "x-2028", "year": 2028,
              "name": {"fi": "x", "sv": "x"}},
        headers=headers,
    )
    assert created.status_code == 403, created.text
    assert created.json()["code"] == "forbidden"


@pytest.mark.parametrize("body", [b"{}", b'{"slug": '], ids=["invalid", "malformed"])
async def test_resident_with_a_bad_body_on_an_official_endpoint_is_forbidden_before_validation(
    client: httpx.AsyncClient, world: DemoWorld, engine: AsyncEngine, settings: Settings, clock: Clock,
    body: bytes,
) -> None:
    """Authorise first: a resident learns nothing about an official endpoint's body from its answers."""
    headers = await resident_headers(engine, settings, clock)

    response = await client.post("/rounds", content=body, headers={**headers, "content-type": "application/json"})

    assert response.status_code == 403, response.text
