"""Officials' API tokens: only pb's own, unexpired, unrevoked tokens of the right shape are accepted."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.tokens import ALGORITHM, revoke_token
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from pb.core.settings import Settings
from tests.conftest import TEST_SECRET, Clock, Tokens
from tests.factories import DemoWorld


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'at+jwt'})}.{part(claims)}."


FORGERIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "wrong signature": lambda c: jwt.encode(c, "another-secret-that-is-long-enough-0123456789", ALGORITHM,
                                            headers={"typ": "at+jwt"}),
    "alg none": _unsigned,
    "expired": lambda c: jwt.encode({**c, "exp": c["iat"] - 3600}, TEST_SECRET, ALGORITHM, headers={"typ": "at+jwt"}),
    "not yet valid": lambda c: jwt.encode({**c, "nbf": c["iat"] + 3600}, TEST_SECRET, ALGORITHM,
                                          headers={"typ": "at+jwt"}),
    "wrong audience": lambda c: jwt.encode({**c, "aud": "someone-else"}, TEST_SECRET, ALGORITHM,
                                           headers={"typ": "at+jwt"}),
    "issuer superstring": lambda c: jwt.encode({**c, "iss": "pb.evil"}, TEST_SECRET, ALGORITHM,
                                               headers={"typ": "at+jwt"}),
    "not an access token": lambda c: jwt.encode(c, TEST_SECRET, ALGORITHM, headers={"typ": "JWT"}),
    "unknown crit header": lambda c: jwt.encode(c, TEST_SECRET, ALGORITHM, headers={"typ": "at+jwt", "crit": ["x"]}),
    "missing expiry": lambda c: jwt.encode({k: v for k, v in c.items() if k != "exp"}, TEST_SECRET, ALGORITHM,
                                           headers={"typ": "at+jwt"}),
    "unknown token id": lambda c: jwt.encode({**c, "jti": "never-issued"}, TEST_SECRET, ALGORITHM,
                                             headers={"typ": "at+jwt"}),
    "role raised in claims": lambda c: jwt.encode({**c, "role": "admin"}, TEST_SECRET, ALGORITHM,
                                                  headers={"typ": "at+jwt"}),
}


@pytest.mark.parametrize("forgery", FORGERIES, ids=str)
async def test_forged_or_altered_tokens_are_rejected(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, forgery: str
) -> None:
    genuine = await tokens.mint(Role.OFFICIAL, municipality_id=world.municipality_id)
    forged = FORGERIES[forgery](_claims(genuine))

    response = await client.patch(f"/rounds/{world.round_id}", json={"name": {"fi": "Muutettu"}},
                                  headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert (await client.get(f"/rounds/{world.round_id}")).json()["name"]["fi"] != "Muutettu"


async def test_genuine_token_is_accepted_until_it_expires(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, clock: Clock, settings: Settings
) -> None:
    headers = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    body = {"name": {"fi": "Muutettu"}}

    assert (await client.patch(f"/rounds/{world.round_id}", json=body, headers=headers)).status_code == 200
    clock.advance(days=settings.token_ttl_days, seconds=1)
    assert (await client.patch(f"/rounds/{world.round_id}", json=body, headers=headers)).status_code == 401


async def test_revoked_token_is_rejected(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, engine: AsyncEngine, clock: Clock
) -> None:
    token = await tokens.mint(Role.OFFICIAL, municipality_id=world.municipality_id)
    async with create_sessionmaker(engine)() as session, session.begin():
        await revoke_token(session, jti=_claims(token)["jti"], now=clock())

    response = await client.patch(f"/rounds/{world.round_id}", json={"name": {"fi": "X"}},
                                  headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "token abc"])
async def test_malformed_authorization_is_401(client: httpx.AsyncClient, world: DemoWorld, header: str) -> None:
    response = await client.post("/rounds", json={}, headers={"Authorization": header})

    assert response.status_code == 401


async def test_token_lifetime_is_bounded(tokens: Tokens, world: DemoWorld, settings: Settings) -> None:
    claims = _claims(await tokens.mint(Role.OFFICIAL, municipality_id=world.municipality_id))

    assert timedelta(seconds=claims["exp"] - claims["iat"]) == timedelta(days=settings.token_ttl_days)
    assert claims["iss"] == settings.token_issuer and claims["aud"] == settings.token_audience
