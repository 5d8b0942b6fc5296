"""Sign-in attacks (SECURITY.md A3, A4): forged callbacks, replays, weak assurance, session lifecycle, CSRF."""

from __future__ import annotations

import httpx
from litestar import Litestar
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from pb.auth.models import ResidentSession
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from tests.conftest import Tokens, asgi_transport
from tests.pb.signin.helpers import dev_login, follow


async def _sessions(engine: AsyncEngine) -> int:
    async with create_sessionmaker(engine)() as db:
        return int((await db.exec(select(func.count()).select_from(ResidentSession))).one())


async def test_callback_with_a_state_never_issued_creates_no_session(
    browser: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    to_idp = await browser.get("/auth/login")
    to_callback = await follow(browser, to_idp, person="aino")
    target = httpx.URL(to_callback.headers["location"])

    forged = await browser.get(target.path, params={"code": target.params["code"], "state": "forged-state"})

    assert forged.status_code == 401
    assert forged.json()["code"] == "sign_in_refused"
    assert await _sessions(engine) == 0


async def test_callback_from_another_browser_is_refused(app: Litestar, browser: httpx.AsyncClient,
                                                         engine: AsyncEngine) -> None:
    to_idp = await browser.get("/auth/login")
    to_callback = await follow(browser, to_idp, person="aino")
    target = httpx.URL(to_callback.headers["location"])

    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as victim:
        response = await victim.get(target.path, params=dict(target.params))

    assert response.status_code == 401
    assert await _sessions(engine) == 0


async def test_replayed_callback_and_code_create_no_second_session(
    browser: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    to_idp = await browser.get("/auth/login")
    to_callback = await follow(browser, to_idp, person="aino")
    first = await follow(browser, to_callback)
    assert first.status_code == 200
    login_cookie = {"__Host-pb_login": "x"}

    replay = await follow(browser, to_callback)
    browser.cookies.update(login_cookie)
    replay_again = await follow(browser, to_callback)

    assert replay.status_code == 401
    assert replay_again.status_code == 401
    assert await _sessions(engine) == 1


async def test_code_redeemed_twice_at_the_provider_is_refused(app: Litestar, browser: httpx.AsyncClient) -> None:
    to_idp = await browser.get("/auth/login")
    params = httpx.URL(to_idp.headers["location"]).params
    to_callback = await follow(browser, to_idp, person="aino")
    code = httpx.URL(to_callback.headers["location"]).params["code"]
    assert (await follow(browser, to_callback)).status_code == 200

    again = await browser.post("/dev-idp/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": params["redirect_uri"],
        "client_id": params["client_id"], "code_verifier": "x" * 64,
    })

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


async def test_id_token_with_another_nonce_is_refused(app: Litestar, browser: httpx.AsyncClient,
                                                      engine: AsyncEngine) -> None:
    to_idp = await browser.get("/auth/login")
    target = httpx.URL(to_idp.headers["location"])
    # The provider is asked (by a tampering intermediary) to put another nonce into the ID token.
    tampered = await browser.get(target.path, params={**dict(target.params), "nonce": "attacker", "person": "aino"})

    response = await follow(browser, tampered)

    assert response.status_code == 401
    assert await _sessions(engine) == 0


async def test_low_level_of_assurance_is_forbidden(browser: httpx.AsyncClient, engine: AsyncEngine) -> None:
    response = await dev_login(browser, "heikki")

    assert response.status_code == 403
    assert await _sessions(engine) == 0


async def test_each_login_gets_a_new_session_and_cookie_flags_are_strict(browser: httpx.AsyncClient) -> None:
    first = await dev_login(browser, "aino")
    second = await dev_login(browser, "aino")

    assert first.json()["resident"]["session_id"] != second.json()["resident"]["session_id"]
    cookies = second.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("__Host-pb_session="))
    flags = {part.strip().lower() for part in session.split(";")}
    assert {"httponly", "secure", "path=/", "samesite=lax"} <= flags
    assert not any(f.startswith("domain") for f in flags)
    csrf = next(c for c in cookies if c.startswith("__Host-pb_csrf="))
    csrf_flags = {part.strip().lower() for part in csrf.split(";")}
    assert {"secure", "path=/"} <= csrf_flags and "httponly" not in csrf_flags
    assert not any(f.startswith("domain") for f in csrf_flags)


async def test_a_refused_callback_uses_up_its_state(app: Litestar, browser: httpx.AsyncClient,
                                                    engine: AsyncEngine) -> None:
    to_idp = await browser.get("/auth/login")
    to_callback = await follow(browser, to_idp, person="aino")
    target = httpx.URL(to_callback.headers["location"])
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as other_browser:
        refused = await other_browser.get(target.path, params=dict(target.params))
    assert refused.status_code == 401

    later = await follow(browser, to_callback)

    assert (later.status_code, later.json()["code"]) == (401, "sign_in_refused")
    assert later.json()["detail"] == "this sign-in is unknown or already finished; start again"
    assert await _sessions(engine) == 0


async def test_two_e_id_methods_of_one_person_give_one_person_key(browser: httpx.AsyncClient,
                                                                  engine: AsyncEngine) -> None:
    bank = (await dev_login(browser, "sanna-bank")).json()
    mobile = (await dev_login(browser, "sanna-mobile")).json()

    async with create_sessionmaker(engine)() as db:
        rows = [await db.get(ResidentSession, s["resident"]["session_id"]) for s in (bank, mobile)]
    assert rows[0] is not None and rows[1] is not None
    assert rows[0].person_key == rows[1].person_key


async def test_token_is_refused_after_logout(browser: httpx.AsyncClient) -> None:
    token = (await dev_login(browser)).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}

    logout = await browser.post("/auth/logout", headers=bearer)

    assert logout.status_code == 204
    assert (await browser.get("/auth/me", headers=bearer)).status_code == 401


async def test_token_is_refused_after_an_admin_terminates_the_session(
    browser: httpx.AsyncClient, tokens: Tokens
) -> None:
    signed_in = (await dev_login(browser)).json()
    bearer = {"Authorization": f"Bearer {signed_in['token']}"}
    session_id = signed_in["resident"]["session_id"]
    admin = await tokens.headers(Role.ADMIN)

    by_resident = await browser.delete(f"/auth/sessions/{session_id}", headers=bearer)
    terminated = await browser.delete(f"/auth/sessions/{session_id}", headers=admin)

    assert by_resident.status_code == 403
    assert terminated.status_code == 204
    assert (await browser.get("/auth/me", headers=bearer)).status_code == 401
    audit = await browser.get("/audit", headers=admin)
    if audit.status_code == 200:
        assert "resident_session.terminate" in audit.text


async def test_cookie_authenticated_write_needs_the_csrf_token(browser: httpx.AsyncClient) -> None:
    signed_in = (await dev_login(browser)).json()

    cross_site = await browser.post("/auth/logout")
    wrong = await browser.post("/auth/logout", headers={"X-CSRF-Token": "0" * 64})
    assert (await browser.get("/auth/me")).status_code == 200
    same_site = await browser.post("/auth/logout", headers={"X-CSRF-Token": signed_in["csrf_token"]})

    assert cross_site.status_code == 403
    assert wrong.status_code == 403
    assert same_site.status_code == 204
    assert (await browser.get("/auth/me", headers={"Authorization": f"Bearer {signed_in['token']}"})
            ).status_code == 401


async def test_sign_in_is_rate_limited_per_client(app: Litestar, browser: httpx.AsyncClient) -> None:
    limit = app.state.settings.signin_rate_limit_per_minute
    for _ in range(limit):
        assert (await browser.get("/auth/login")).status_code == 302

    refused = await browser.get("/auth/login")

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
