"""Forged and misused tokens (SECURITY.md A1, A2): pb's session tokens and the provider's ID tokens."""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.sessions import verify_session_token
from pb.auth.signing import signing_key
from pb.core.errors import Unauthorized
from pb.core.settings import Settings
from pb.devidp.provider import KID
from pb.devidp.provider import signing_key as idp_key
from tests.conftest import Clock
from tests.pb.auth.helpers import sign_in


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
async def listener() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A loopback HTTP listener that records any connection: pb must never contact it."""
    hits: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append(await reader.read(1024))
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/keys.json", hits
    server.close()
    await server.wait_closed()


def _claims(settings: Settings, clock: Clock, **override: Any) -> dict[str, Any]:
    now = int(clock().timestamp())
    claims = {"iss": settings.token_issuer, "aud": settings.session_audience, "sub": "s", "sid": "s",
              "jti": "j", "iat": now, "nbf": now, "exp": now + 600}
    claims.update(override)
    return {k: v for k, v in claims.items() if v is not None}


Forge = Callable[[Settings, Clock, str], str]


def _resign(settings: Settings, token: str, *, headers: dict[str, Any] | None = None, **claims: Any) -> str:
    """The token's claims (with ``claims`` changed; None removes one) signed again with pb's own key, under pb's
    headers changed by ``headers`` (None removes one)."""
    key = signing_key(settings)
    payload = {**jwt.decode(token, options={"verify_signature": False}), **claims}
    payload = {k: v for k, v in payload.items() if v is not None}
    header = {k: v for k, v in {"typ": "at+jwt", "kid": key.kid, **(headers or {})}.items() if v is not None}
    signed = jwt.encode(payload, key.key, algorithm=key.algorithm, headers=header)
    if "typ" not in header:  # PyJWT adds typ JWT when none is given: write the header as asked
        _, body, _ = signed.split(".")
        signing_input = f"{_b64({'alg': key.algorithm, **header})}.{body}"
        raw = jwt.get_algorithm_by_name(key.algorithm).sign(signing_input.encode(), key.key)
        signature = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return f"{signing_input}.{signature}"
    return signed


async def _me(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_a_genuine_session_token_is_accepted(client: httpx.AsyncClient, engine: AsyncEngine,
                                                   settings: Settings, clock: Clock) -> None:
    token, _ = await sign_in(engine, settings, clock)
    assert await _me(client, token) == 200
    assert await _me(client, _resign(settings, token)) == 200


async def test_forged_session_tokens_are_refused_without_fetching_anything(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    listener: tuple[str, list[bytes]],
) -> None:
    token, _ = await sign_in(engine, settings, clock)
    url, hits = listener
    key = signing_key(settings)
    payload = jwt.decode(token, options={"verify_signature": False})
    public_pem = key.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    attacker = Ed25519PrivateKey.generate()
    attacker_jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(attacker.public_key()))
    header, body, signature = token.split(".")
    forged = {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': key.kid})}.{body}.",
        "HS256 with the public key": _hs256(public_pem, body, typ="at+jwt", kid=key.kid),
        "unknown crit": _resign(settings, token, headers={"crit": ["exp-x"], "exp-x": 1}),
        "unknown kid": jwt.encode(payload, attacker, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": "other"}),
        "jku": jwt.encode(payload, attacker, algorithm="EdDSA", headers={"typ": "at+jwt", "jku": url}),
        "x5u": jwt.encode(payload, attacker, algorithm="EdDSA", headers={"typ": "at+jwt", "x5u": url}),
        "jwk": jwt.encode(payload, attacker, algorithm="EdDSA", headers={"typ": "at+jwt", "jwk": attacker_jwk}),
        "jku with pb's kid": _resign(settings, token, headers={"jku": url}),
        "pb's key, typ JWT": _resign(settings, token, headers={"typ": "JWT"}),
        "pb's key, no typ": _resign(settings, token, headers={"typ": None}),
        "pb's key, another kid": _resign(settings, token, headers={"kid": "another"}),
        "pb's key, no kid": _resign(settings, token, headers={"kid": None}),
        "pb's key, x5t": _resign(settings, token, headers={"x5t": "AAAA"}),
        "wrong signature": f"{header}.{body}.{signature[:-4]}AAAA",
    }

    statuses = {name: await _me(client, value) for name, value in forged.items()}

    assert statuses == dict.fromkeys(forged, 401)
    await asyncio.sleep(0.05)
    assert hits == []


@pytest.mark.parametrize(("case", "change"), [
    ("missing exp", {"exp": None}),
    ("expired beyond leeway", {"exp": -31}),
    ("nbf in the future", {"nbf": 120}),
    ("wrong audience", {"aud": "pb-api"}),
    ("missing audience", {"aud": None}),
    ("issuer superstring", {"iss": "pb.evil"}),
    ("issuer prefix", {"iss": "p"}),
    ("sid not the subject", {"sub": "someone-else"}),
])
async def test_session_tokens_with_bad_claims_are_refused(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, case: str,
    change: dict[str, Any],
) -> None:
    token, _ = await sign_in(engine, settings, clock)
    now = int(clock().timestamp())
    claims = {k: (now + v if k in ("exp", "nbf") and v is not None else v) for k, v in change.items()}

    assert await _me(client, _resign(settings, token, **claims)) == 401, case


async def test_expiry_within_leeway_is_tolerated_and_beyond_it_refused(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock
) -> None:
    token, _ = await sign_in(engine, settings, clock)
    now = int(clock().timestamp())

    assert await _me(client, _resign(settings, token, nbf=now + 20)) == 200
    clock.advance(minutes=settings.session_ttl_minutes, seconds=31)
    assert await _me(client, token) == 401


async def test_officials_token_is_not_a_resident_token(client: httpx.AsyncClient, tokens: Any) -> None:
    official = await tokens.mint("admin")

    assert await _me(client, official) == 401


async def test_an_id_token_is_not_an_access_token(browser: httpx.AsyncClient, app: Litestar,
                                                  settings: Settings, clock: Clock) -> None:
    now = int(clock().timestamp())
    id_token = jwt.encode(
        {"iss": app.state.dev_idp.issuer, "aud": settings.oidc_client_id, "sub": "dev-7f3a01", "iat": now,
         "exp": now + 300, "nonce": "n"}, idp_key(), algorithm="RS256", headers={"kid": KID},
    )

    assert await _me(browser, id_token) == 401
    assert (await browser.post("/rounds", json={}, headers={"Authorization": f"Bearer {id_token}"})
            ).status_code == 401


# ID tokens from the provider: checked by the OIDC client before any session exists.

async def _verify(app: Litestar, clock: Clock, token: str, nonce: str = "n") -> dict[str, Any]:
    result: dict[str, Any] = await app.state.oidc.verify_id_token(token, nonce=nonce, now=clock())
    return result


def _id_token(app: Litestar, clock: Clock, *, headers: dict[str, Any] | None = None, key: Any = None,
              alg: str = "RS256", **claims: Any) -> str:
    now = int(clock().timestamp())
    payload = {"iss": app.state.dev_idp.issuer, "aud": app.state.settings.oidc_client_id, "sub": "dev-7f3a01",
               "iat": now, "exp": now + 300, "nonce": "n", **claims}
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key if key is not None else idp_key(), algorithm=alg,
                      headers={"kid": KID, **(headers or {})})


async def test_a_genuine_id_token_verifies(app: Litestar, clock: Clock) -> None:
    assert (await _verify(app, clock, _id_token(app, clock)))["sub"] == "dev-7f3a01"


async def test_forged_or_misused_id_tokens_are_refused_without_fetching_token_urls(
    app: Litestar, clock: Clock, listener: tuple[str, list[bytes]]
) -> None:
    url, hits = listener
    attacker = Ed25519PrivateKey.generate()
    now = int(clock().timestamp())
    issuer = app.state.dev_idp.issuer
    public_pem = idp_key().public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    good = _id_token(app, clock)
    _, body, _ = good.split(".")
    forged = {
        "alg none": f"{_b64({'alg': 'none', 'kid': KID})}.{body}.",
        "HS256 with the public key": _hs256(public_pem, body),
        "crit": _id_token(app, clock, headers={"crit": ["x"], "x": 1}),
        "unknown kid": _id_token(app, clock, headers={"kid": "nope"}, key=attacker, alg="EdDSA"),
        "jku": _id_token(app, clock, headers={"jku": url}, key=attacker, alg="EdDSA"),
        "x5u": _id_token(app, clock, headers={"x5u": url}),
        "typ at+jwt": _id_token(app, clock, headers={"typ": "at+jwt"}),
        "nonce": _id_token(app, clock, nonce="other"),
        "missing exp": _id_token(app, clock, exp=None),
        "expired": _id_token(app, clock, exp=now - 31),
        "nbf future": _id_token(app, clock, nbf=now + 120),
        "iat too old": _id_token(app, clock, iat=now - 16 * 60, exp=now + 60),
        "wrong aud": _id_token(app, clock, aud="someone-else"),
        "missing aud": _id_token(app, clock, aud=None),
        "issuer superstring": _id_token(app, clock, iss=issuer + ".evil"),
        "issuer prefix": _id_token(app, clock, iss=issuer[:-3]),
        "other party in aud": _id_token(app, clock, aud=["pb", "other"], azp="other"),
    }

    refused = []
    for name, token in forged.items():
        with pytest.raises(Unauthorized):
            await _verify(app, clock, token)
        refused.append(name)

    assert refused == list(forged)
    await asyncio.sleep(0.05)
    assert hits == []


def _hs256(secret: bytes, body: str, **fields: str) -> str:
    header = _b64({"alg": "HS256", "kid": KID, **fields})
    mac = hmac.new(secret, f"{header}.{body}".encode(), "sha256").digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


async def test_unknown_kid_refetches_the_jwks_at_most_once_a_minute(app: Litestar, clock: Clock) -> None:
    oidc = app.state.oidc
    await _verify(app, clock, _id_token(app, clock))
    fetched = oidc._jwks.fetched_at
    attacker = Ed25519PrivateKey.generate()

    for _ in range(3):
        with pytest.raises(Unauthorized):
            await _verify(app, clock, _id_token(app, clock, headers={"kid": "new"}, key=attacker, alg="EdDSA"))

    assert oidc._jwks.fetched_at - fetched <= timedelta(minutes=1).total_seconds()


def test_rotation_accepts_the_previous_key_by_its_kid_and_nothing_else(settings: Settings, clock: Clock) -> None:
    """With a previous key configured the header's kid picks the key: a token of the old key still verifies, one
    whose kid names a key it was not signed with, or no configured key, does not."""
    old = Ed25519PrivateKey.generate()
    old_pem = old.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    before = Settings(**{**settings.model_dump(), "session_private_key": old_pem})
    after = Settings(**{**settings.model_dump(), "session_previous_public_keys": [old.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()]})
    claims = _claims(settings, clock)
    old_kid, new_key = signing_key(before).kid, signing_key(after)
    issued_before = jwt.encode(claims, old, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": old_kid})
    mislabelled = jwt.encode(claims, old, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": new_key.kid})
    unknown = jwt.encode(claims, old, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": "retired-long-ago"})

    assert verify_session_token(after, issued_before, now=clock())["sid"] == "s"
    for token in (mislabelled, unknown):
        with pytest.raises(Unauthorized):
            verify_session_token(after, token, now=clock())
