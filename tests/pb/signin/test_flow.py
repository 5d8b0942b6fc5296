"""Sign-in through the OIDC authorization code flow against pb's development identity provider."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.app import create_app
from pb.core.settings import Settings
from tests.conftest import Clock, asgi_transport
from tests.pb.signin.helpers import dev_login, follow


async def test_resident_signs_in_through_the_dev_idp_and_sees_their_status(browser: httpx.AsyncClient) -> None:
    signed_in = await dev_login(browser, "aino")

    assert signed_in.status_code == 200, signed_in.text
    body = signed_in.json()
    assert body["token_type"] == "Bearer"
    assert body["resident"]["municipality_code"] == "858"
    assert body["resident"]["postal_code"] == "04300"
    assert body["resident"]["age_band"] == "30-44"
    me = await browser.get("/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["session_id"] == body["resident"]["session_id"]
    by_cookie = await browser.get("/auth/me")
    assert by_cookie.status_code == 200


async def test_login_redirects_with_pkce_state_and_nonce(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/auth/login")

    assert response.status_code == 302
    params = httpx.URL(response.headers["location"]).params
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["state"] != params["nonce"]
    page = await follow(browser, response)
    assert page.status_code == 200
    assert "Aino Virtanen" in page.text


async def test_sign_in_started_at_the_loopback_address_finishes_on_the_public_url(
    settings: Settings, engine: AsyncEngine, clock: Clock,
) -> None:
    # `pb serve` says http://127.0.0.1:8000 while its public URL (where the callback lands) says localhost: the
    # login cookie set on one name was missing on the other, and the callback refused the sign-in.
    app = create_app(settings.model_copy(update={"public_url": "https://localhost:8000"}), engine=engine,
                     clock=clock, run_scheduler=False)
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://127.0.0.1:8000") as browser:
        moved = await browser.get("/auth/login", params={"x": "1"})
        assert moved.status_code == 307
        assert moved.headers["location"] == "https://localhost:8000/auth/login?x=1"
        to_idp = await browser.get(moved.headers["location"])
        assert to_idp.status_code == 302
        idp = httpx.URL(to_idp.headers["location"])
        to_callback = await browser.get(idp, params={**dict(idp.params), "person": "aino"})
        signed_in = await browser.get(to_callback.headers["location"])

    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["resident"]["municipality_code"] == "858"


async def test_sign_in_on_other_hosts_is_not_redirected(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/auth/login")

    assert response.status_code == 302
    assert httpx.URL(response.headers["location"]).path == "/dev-idp/authorize"
