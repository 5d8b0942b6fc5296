"""Sign-in through the OIDC authorization code flow against pb's development identity provider."""

from __future__ import annotations

import httpx

from tests.pb.auth.conftest import dev_login, follow


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
