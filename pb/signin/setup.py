"""Wiring sign-in into the app: the OIDC client, the sign-in rate limiter and, outside production, the dev IdP."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from pb.core.settings import Settings
from pb.devidp.provider import DevIdentityProvider
from pb.devidp.routes import DevIdpController
from pb.signin.oidc import HttpFactory, OidcClient
from pb.signin.ratelimit import RateLimiter
from pb.signin.routes import SignInController


def signin_handlers(settings: Settings) -> list[Any]:
    """Sign-in routes; the development identity provider only when not in production."""
    return [SignInController] if settings.env == "production" else [SignInController, DevIdpController]


def attach_signin(app: Litestar, settings: Settings) -> None:
    """Put the sign-in collaborators in the app's state."""
    uses_dev_idp = settings.oidc_issuer is None and settings.env != "production"
    http: HttpFactory
    if uses_dev_idp:
        # pb is its own provider here: talk to it in-process, with no network and no port to know.
        def http() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))  # type: ignore[arg-type]

        app.state.dev_idp = DevIdentityProvider(settings)
    else:
        def http() -> httpx.AsyncClient:
            return httpx.AsyncClient(follow_redirects=False)

        if settings.env != "production":
            app.state.dev_idp = DevIdentityProvider(settings)
    app.state.oidc = OidcClient(settings, http)
    app.state.signin_limiter = RateLimiter(settings.signin_rate_limit_per_minute)
