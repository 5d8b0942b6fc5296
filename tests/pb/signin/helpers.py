"""The sign-in dance through pb's development identity provider, for tests of anything behind it."""

from __future__ import annotations

import httpx


async def follow(client: httpx.AsyncClient, response: httpx.Response, **extra: str) -> httpx.Response:
    """Follow one redirect by hand, on the same client (every host is the app in these tests); sign-in's
    redirects are all 302 (a GET answered with another GET)."""
    assert response.status_code == 302, response.text
    target = httpx.URL(response.headers["location"])
    return await client.get(target.path, params={**dict(target.params), **extra})


async def dev_login(client: httpx.AsyncClient, person: str = "aino") -> httpx.Response:
    """Sign in through pb's development identity provider; returns the callback's response."""
    to_idp = await client.get("/auth/login")
    to_callback = await follow(client, to_idp, person=person)
    return await follow(client, to_callback)
