"""HTTP routes for resident sign-in: /auth/login, /auth/callback, /auth/logout, /auth/me, session termination."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from litestar import Controller, Request, Response, delete, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from pb.auth.models import LoginAttempt
from pb.auth.principal import ADMINS
from pb.auth.sessions import close_session, terminate_session
from pb.core.db import transaction
from pb.core.settings import Settings
from pb.http.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    Caller,
    DbSession,
    Now,
    Voter,
    csrf_token,
    only,
    provide_principal,
    provide_resident,
)
from pb.signin import service
from pb.signin.oidc import OidcClient
from pb.signin.ratelimit import RateLimiter
from pb.signin.schemas import ResidentStatus, SignedIn

LOGIN_COOKIE = "__Host-pb_login"
NEXT_COOKIE = "__Host-pb_next"
"""Set by the pages' sign-in (pb.web.pages.signin): the page to return to, instead of the JSON answer."""
Oidc = NamedDependency[OidcClient]
Attempt = NamedDependency[LoginAttempt]


def provide_oidc(state: State) -> OidcClient:
    client: OidcClient = state.oidc
    return client


async def provide_login_attempt(
    state: State, oidc_state: Annotated[str | None, QueryParameter(name="state")] = None
) -> LoginAttempt:
    """The callback's login attempt, taken in a transaction of its own that commits even if the sign-in is then
    refused (its own, also because Litestar does not clean up dependencies when a later one raises)."""
    async with transaction(state.sessionmaker) as db_session:
        return await service.take_login_attempt(db_session, state=oidc_state)


async def limit_signin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """At most ``PB_SIGNIN_RATE_LIMIT_PER_MINUTE`` sign-in requests per client address and process."""
    limiter: RateLimiter = connection.app.state.signin_limiter
    client = connection.client.host if connection.client else "unknown"
    limiter.hit(client, now=connection.app.state.clock())


def local_path(candidate: str, fallback: str) -> str:
    """``candidate`` if it is a path on this site (not ``//elsewhere``, a URL or a header break), else ``fallback``."""
    if not candidate.startswith("/") or candidate.startswith(("//", "/\\")) or len(candidate) > 500:
        return fallback
    return fallback if any(c in candidate for c in "\r\n\\") else candidate


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def on_callback_origin(request: Request[Any, Any, Any], settings: Settings) -> Redirect | None:
    """A redirect to the same sign-in URL on the callback's origin, when the browser came by another loopback name.

    The login cookies are set for the host the sign-in starts on, and the identity provider sends the browser
    back to the callback URL: starting at ``http://127.0.0.1:8000`` when pb's public URL says ``localhost``
    would leave those cookies behind. Only loopback names are rewritten (they certainly name this server);
    any other host is left alone.
    """
    callback = httpx.URL(settings.signin_redirect_uri)
    here = request.url
    if here.hostname not in LOOPBACK_NAMES or callback.host not in LOOPBACK_NAMES:
        return None
    if (here.scheme, here.hostname, here.port) == (callback.scheme, callback.host, callback.port):
        return None
    target = callback.copy_with(path=here.path, query=here.query.encode() or None)
    return Redirect(str(target), status_code=307, headers={"Cache-Control": "no-store"})


def _cookie(key: str, value: str, *, max_age: int, httponly: bool = True) -> Cookie:
    return Cookie(key=key, value=value, max_age=max_age, path="/", secure=True, httponly=httponly, samesite="lax")


class SignInController(Controller):
    path = "/auth"
    tags = ["sign-in"]  # noqa: RUF012
    dependencies = {"oidc": Provide(provide_oidc, sync_to_thread=False)}  # noqa: RUF012

    @get("/login", guards=[limit_signin], operation_id="signIn", summary="Sign in", status_code=302, responses={
        307: ResponseSpec(None, description="Started on another name of this host: the same address on the one "
                          "that the identity provider sends the browser back to."),
    })
    async def login(
        self, request: Request[Any, Any, Any], db_session: DbSession, settings: AppSettings, oidc: Oidc, now: Now,
    ) -> Redirect:
        """Start a resident's sign-in: the browser goes to the identity provider (Suomi.fi through a broker, a city's
        Keycloak, or the development IdP), which sends it back to ``GET /auth/callback``. Open it in a browser, not
        with an API client."""
        if moved := on_callback_origin(request, settings):
            return moved
        start = await service.begin_login(db_session, settings, oidc, now=now)
        max_age = settings.login_attempt_ttl_minutes * 60
        return Redirect(start.authorization_url, status_code=302,
                        cookies=[_cookie(LOGIN_COOKIE, start.browser_binding, max_age=max_age)])

    @get("/callback", guards=[limit_signin], dependencies={"attempt": Provide(provide_login_attempt)},
         operation_id="signInCallback", summary="Finish signing in", responses={
             303: ResponseSpec(None, description="A sign-in started from a page: back to that page, with the "
                               "session in its cookies."),
         })
    async def callback(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        oidc: Oidc,
        now: Now,
        attempt: Attempt,
        code: FromQuery[str | None] = None,
        error: FromQuery[str | None] = None,
    ) -> Response[SignedIn]:
        """Finish the sign-in: a new session, as a cookie for browsers and a bearer token in the body.

        A sign-in started from a page goes back to that page (303) with the cookies and no token in a body.
        """
        token, resident = await service.finish_login(
            db_session, settings, oidc, attempt=attempt, code=code, error=error,
            browser_binding=request.cookies.get(LOGIN_COOKIE), now=now,
        )
        csrf = csrf_token(settings, resident.session_id)
        max_age = settings.session_ttl_minutes * 60
        cookies = [
            _cookie(SESSION_COOKIE, token, max_age=max_age),
            _cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False),
            _cookie(LOGIN_COOKIE, "", max_age=0),
        ]
        back = request.cookies.get(NEXT_COOKIE)
        if back:
            return Redirect(local_path(back, "/"), status_code=303, headers={"Cache-Control": "no-store"},
                            cookies=[*cookies, _cookie(NEXT_COOKIE, "", max_age=0)])
        return Response(service.signed_in(settings, token, resident, csrf_token=csrf, now=now), cookies=cookies)

    @get("/me", dependencies={"resident": Provide(provide_resident)}, operation_id="getMe", summary="Who am I")
    async def me(self, resident: Voter, now: Now) -> ResidentStatus:
        """The signed-in resident's non-identifying status."""
        return service.status(resident, now=now)

    @post("/logout", status_code=204, dependencies={"resident": Provide(provide_resident)}, operation_id="signOut",
          summary="Sign out")
    async def logout(self, db_session: DbSession, resident: Voter, now: Now) -> Response[None]:
        """End the session: its token stops working at once, and the cookies are cleared."""
        await close_session(db_session, session_id=resident.session_id, now=now)
        return Response(None, status_code=204, cookies=[
            _cookie(SESSION_COOKIE, "", max_age=0), _cookie(CSRF_COOKIE, "", max_age=0, httponly=False),
        ])

    @delete("/sessions/{session_id:str}", dependencies={"principal": Provide(provide_principal)},
            opt=only(ADMINS), operation_id="endSession", summary="End a resident's session")
    async def terminate(self, db_session: DbSession, session_id: FromPath[str], principal: Caller, now: Now) -> None:
        """An administrator ends a resident's session (audited)."""
        await terminate_session(db_session, session_id=session_id, actor=principal, now=now)

