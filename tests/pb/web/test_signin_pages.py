"""Signing in and out from the pages: back to the page after the provider, out only by a form with its token."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.sessions import close_session
from pb.core.db import create_sessionmaker
from tests.conftest import Clock
from tests.pb.signin.helpers import follow


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


async def sign_in(browser: httpx.AsyncClient, next_path: str, person: str = "aino") -> httpx.Response:
    start = await browser.get("/tuusula/sign-in", params={"next": next_path})
    assert start.status_code == 302
    assert start.headers["cache-control"] == "private, no-store"
    to_callback = await follow(browser, start, person=person)
    return await follow(browser, to_callback)


async def test_a_resident_signs_in_from_a_page_and_lands_back_on_it_signed_in(browser: httpx.AsyncClient) -> None:
    back = await sign_in(browser, "/tuusula/networks/jokela")

    assert back.status_code == 303
    assert back.headers["location"] == "/tuusula/networks/jokela"
    assert "token" not in back.text
    page = await browser.get("/tuusula/networks/jokela")
    assert "Kirjautunut (postinumero 04300)" in page.text
    assert 'action="/tuusula/sign-out"' in page.text
    assert page.headers["cache-control"] == "private, no-store"


async def test_sign_in_never_returns_to_another_site(browser: httpx.AsyncClient) -> None:
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/ok\r\nSet-Cookie: x=1"):
        back = await sign_in(browser, elsewhere)
        assert back.headers["location"] == "/tuusula", elsewhere


async def test_the_api_sign_in_still_answers_with_json(browser: httpx.AsyncClient) -> None:
    to_idp = await browser.get("/auth/login")
    to_callback = await follow(browser, to_idp, person="aino")
    signed_in = await follow(browser, to_callback)
    assert signed_in.status_code == 200 and signed_in.json()["token_type"] == "Bearer"


async def test_signing_out_ends_the_session_and_goes_to_the_front_page(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "/tuusula")
    page = await browser.get("/tuusula")

    out = await browser.post("/tuusula/sign-out", data={"csrf_token": csrf_of(page.text)})

    assert out.status_code == 303 and out.headers["location"] == "/tuusula"
    after = await browser.get("/tuusula")
    assert "Kirjaudu sisään" in after.text and "Kirjautunut" not in after.text
    assert (await browser.get("/auth/me")).status_code == 401


async def test_a_form_without_this_browser_s_token_is_refused_and_changes_nothing(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, "/tuusula")
    signed_out_token = csrf_of((await browser.get("/tuusula")).text)

    forged = await browser.post("/tuusula/sign-out", data={"csrf_token": "0" * 64})
    missing = await browser.post("/tuusula/sign-out", data={})

    for refused in (forged, missing):
        assert refused.status_code == 403
        assert "Lomaketta ei voitu lähettää" in refused.text
    assert (await browser.get("/auth/me")).status_code == 200
    assert signed_out_token  # the session's own token still works
    assert (await browser.post("/tuusula/sign-out", data={"csrf_token": signed_out_token})).status_code == 303


async def test_a_session_ended_elsewhere_shows_signed_out_and_an_open_form_is_not_refused(
    browser: httpx.AsyncClient, engine: AsyncEngine, clock: Clock
) -> None:
    await sign_in(browser, "/tuusula")
    token = csrf_of((await browser.get("/tuusula")).text)
    session_id = (await browser.get("/auth/me")).json()["session_id"]
    async with create_sessionmaker(engine)() as session, session.begin():
        await close_session(session, session_id=session_id, now=clock())

    page = await browser.get("/tuusula")

    assert "Kirjaudu sisään" in page.text and page.headers["cache-control"] == "no-cache"
    assert (await browser.post("/tuusula/sign-out", data={"csrf_token": token})).status_code == 303
