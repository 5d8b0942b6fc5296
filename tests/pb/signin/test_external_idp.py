"""Sign-in through an OpenID provider that no one here wrote: ``oidc-provider-mock`` in its own process.

The provider runs as a separate process on 127.0.0.1 (a free port), started once per test session through its
command-line entry point. pb's OIDC client talks to it over real HTTP: the discovery document, the JWKS and the
token endpoint (and userinfo). The test plays the browser: it follows pb's redirect to the provider's authorization
endpoint with httpx, submits the provider's form for a registered user, and brings the code back to pb's callback.

What the mock does and does not check, so what these tests do and do not prove:

- It signs ID tokens with RS256 and a ``kid`` from its JWKS, sets ``iss`` from the request's host, ``aud`` to the
  client id and echoes the ``nonce``: pb verifies all of them exactly as for a production provider.
- It redeems an authorization code once only (the replay test relies on that).
- It does **not** enforce PKCE: its authorization code grant has no code-challenge extension, so it accepts the
  ``code_verifier`` pb sends without checking it against the ``code_challenge``. PKCE is covered by the tests
  against pb's development provider (tests/pb/signin/test_security.py), not here.
- It accepts any client id, secret and redirect URI (no client registration required).

The provider process is given a bounded lifetime (it exits by itself after ``MOCK_MAX_LIFETIME_S`` or as soon as the
test process is gone) and is terminated at teardown. If it cannot start, these tests skip with the reason, and fail
in CI (``CI=true``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from pb.auth.models import ResidentSession
from pb.core.db import create_sessionmaker
from pb.core.settings import Settings
from tests.ci import unavailable
from tests.conftest import TEST_SECRET, Clock
from tests.pb.auth.helpers import hetu

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 15.0
MOCK_MAX_LIFETIME_S = 900
CLIENT_ID = "pb-external-idp-test"
CLIENT_SECRET = "external-idp-test-client-secret"
REDIRECT_URI = "https://pb.test/auth/callback"

# Runs the provider's own command-line entry point (``oidc-provider-mock`` = ``python -m oidc_provider_mock``)
# under a watchdog thread: the process ends itself when its lifetime is up or when its parent (pytest) is gone,
# so a crashed or killed test run never leaves it listening.
BOOTSTRAP = """
import os, runpy, sys, threading, time
parent, deadline = os.getppid(), time.monotonic() + float(sys.argv[1])
def watchdog():
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watchdog, daemon=True).start()
sys.argv = ["oidc-provider-mock", *sys.argv[2:]]
runpy.run_module("oidc_provider_mock", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class ExternalIdp:
    """A running oidc-provider-mock process."""

    issuer: str

    def register(self, sub: str, claims: dict[str, object]) -> None:
        """Create (or replace) a user whose claims the provider releases in its ID tokens and userinfo."""
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        assert response.status_code == 204, response.text


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _unavailable(message: str) -> NoReturn:
    unavailable(message + " (the external OIDC provider tests)")


def _wait_for_discovery(process: subprocess.Popen[bytes], issuer: str) -> str | None:
    """None once the discovery document answers with the expected issuer, else why it did not."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    problem = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"the process exited with status {process.returncode}"
        try:
            response = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.status_code == 200 and response.json().get("issuer") == issuer:
                return None
            problem = f"discovery answered {response.status_code}"
        except (httpx.HTTPError, ValueError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        time.sleep(0.1)
    return f"its discovery document did not answer within {STARTUP_TIMEOUT_S:.0f} s ({problem})"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def external_idp() -> Iterator[ExternalIdp]:
    """oidc-provider-mock in its own process on a free loopback port, for the whole test session."""
    with tempfile.TemporaryDirectory(prefix="pb-oidc-mock-") as workdir:
        log_path = Path(workdir) / "provider.log"
        problem = "not started"
        for _ in range(3):  # another process may take the free port between probing and binding it
            port = _free_port()
            issuer = f"http://{HOST}:{port}"
            with log_path.open("wb") as log:
                try:
                    process = subprocess.Popen(
                        [sys.executable, "-c", BOOTSTRAP, str(MOCK_MAX_LIFETIME_S), "--host", HOST, "--port",
                         str(port)],
                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                        env={**os.environ, "NO_COLOR": "1"},
                    )
                except OSError as exc:
                    _unavailable(f"oidc-provider-mock could not be started: {exc}")
            try:
                failure = _wait_for_discovery(process, issuer)
            except BaseException:
                _stop(process)
                raise
            if failure is None:
                try:
                    yield ExternalIdp(issuer)
                finally:
                    _stop(process)
                return
            _stop(process)
            output = log_path.read_text(errors="replace").strip().splitlines()[-5:]
            problem = f"{failure}; last output: {' | '.join(output) or '(none)'}"
        _unavailable(f"oidc-provider-mock (python -m oidc_provider_mock) did not start on {HOST}: {problem}")


@pytest.fixture
def settings(database_url: str, external_idp: ExternalIdp) -> Settings:
    """The usual test settings on the test's backend, with the external provider as the identity provider."""
    return Settings(
        env="test", database_url=database_url, secret_key=SecretStr(TEST_SECRET),
        oidc_issuer=external_idp.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=SecretStr(CLIENT_SECRET),
        oidc_redirect_uri=REDIRECT_URI,
    )


@pytest.fixture
def clock() -> Clock:
    """The real time: the provider stamps its ID tokens with it, and pb checks ``iat``/``exp`` against the clock."""
    return Clock(now=datetime.now(UTC))


def _resident_claims(settings: Settings, born: date) -> dict[str, object]:
    """A Tuusula resident in Hyrylä at substantial assurance, under the claim names pb is configured with."""
    return {
        settings.oidc_claim_national_id: hetu(born),
        settings.oidc_claim_birth_date: born.isoformat(),
        settings.oidc_claim_municipality: "858",
        settings.oidc_claim_postal_code: "04300",
        settings.oidc_claim_name: "Ulla Ulkoinen",
        "acr": "substantial",
    }


async def _sessions(engine: AsyncEngine) -> int:
    async with create_sessionmaker(engine)() as db:
        return int((await db.exec(select(func.count()).select_from(ResidentSession))).one())


async def _authorize(browser: httpx.AsyncClient, idp: httpx.AsyncClient, sub: str) -> httpx.URL:
    """Start at pb's /auth/login, sign in as ``sub`` at the provider; the callback URL it sends the browser to."""
    login = await browser.get("/auth/login")
    assert login.status_code == 302, login.text
    authorize = httpx.URL(login.headers["location"])
    assert authorize.params["code_challenge_method"] == "S256"  # sent, though this provider does not check it
    page = await idp.get(authorize)
    assert page.status_code == 200, page.text
    assert 'name="sub"' in page.text
    consent = await idp.post(authorize, data={"sub": sub})
    assert consent.status_code == 302, consent.text
    callback = httpx.URL(consent.headers["location"])
    assert str(callback.copy_with(query=None)) == REDIRECT_URI
    assert callback.params["state"] == authorize.params["state"]
    return callback


@pytest.fixture
async def idp_http() -> AsyncIterator[httpx.AsyncClient]:
    """The browser's side of the provider: plain HTTP to the provider process, redirects followed by hand."""
    async with httpx.AsyncClient(follow_redirects=False, timeout=5) as http:
        yield http


async def test_resident_signs_in_through_an_independent_oidc_provider(
    browser: httpx.AsyncClient, idp_http: httpx.AsyncClient, external_idp: ExternalIdp, settings: Settings,
    engine: AsyncEngine, clock: Clock,
) -> None:
    sub = f"resident-{uuid.uuid4().hex[:12]}"
    born = date(clock().year - 40, 1, 15)
    external_idp.register(sub, _resident_claims(settings, born))

    callback = await _authorize(browser, idp_http, sub)
    signed_in = await browser.get(callback.path, params=dict(callback.params))

    assert signed_in.status_code == 200, signed_in.text
    body = signed_in.json()
    assert body["display_name"] == "Ulla Ulkoinen"
    me = await browser.get("/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200, me.text
    assert me.json() == {
        "session_id": body["resident"]["session_id"],
        "age_band": "30-44",
        "municipality_code": "858",
        "postal_code": "04300",
        "acr": "substantial",
    }
    assert await _sessions(engine) == 1


async def test_tampered_state_and_replayed_code_are_refused_by_pb_and_the_provider(
    browser: httpx.AsyncClient, idp_http: httpx.AsyncClient, external_idp: ExternalIdp, settings: Settings,
    engine: AsyncEngine,
) -> None:
    sub = f"resident-{uuid.uuid4().hex[:12]}"
    external_idp.register(sub, _resident_claims(settings, date(1980, 1, 15)))

    # A state pb never issued: refused before the code is redeemed.
    callback = await _authorize(browser, idp_http, sub)
    tampered = await browser.get(callback.path, params={"code": callback.params["code"],
                                                         "state": callback.params["state"][:-2] + "xx"})
    assert tampered.status_code == 401, tampered.text
    assert tampered.json()["code"] == "sign_in_refused"
    assert await _sessions(engine) == 0

    # The genuine callback still works once: the code was never sent to the token endpoint.
    first = await browser.get(callback.path, params=dict(callback.params))
    assert first.status_code == 200, first.text
    assert await _sessions(engine) == 1

    # The same code under a fresh, valid state: pb redeems it, the provider refuses it the second time.
    fresh = await _authorize(browser, idp_http, sub)
    replayed = await browser.get(fresh.path, params={"code": callback.params["code"], "state": fresh.params["state"]})
    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["code"] == "sign_in_refused"
    assert await _sessions(engine) == 1
