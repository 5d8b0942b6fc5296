"""``/<municipality>/sign-in`` and ``/<municipality>/sign-out``: the pages' side of the OpenID Connect sign-in.

Signing in starts the same flow as ``GET /auth/login`` and remembers where the resident was
(``__Host-pb_next``); the callback (``/auth/callback``) then sends the browser back there instead of
answering with JSON. Signing out is a form (POST with the CSRF token) that ends the session.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from pb.auth.sessions import close_session
from pb.http.dependencies import CSRF_COOKIE, SESSION_COOKIE, AppSettings, DbSession, Now
from pb.municipalities.overview import municipality_by_slug
from pb.signin import service
from pb.signin.routes import (
    LOGIN_COOKIE,
    NEXT_COOKIE,
    Oidc,
    limit_signin,
    local_path,
    on_callback_origin,
    provide_oidc,
)
from pb.web.context import Page
from pb.web.rendering import PERSONAL


def _cookie(key: str, value: str, *, max_age: int, httponly: bool = True) -> Cookie:
    return Cookie(key=key, value=value, max_age=max_age, path="/", secure=True, httponly=httponly, samesite="lax")


@get("/{municipality:str}/sign-in", name="signin.start", guards=[limit_signin],
     dependencies={"oidc": Provide(provide_oidc, sync_to_thread=False)})
async def start(
    request: Request[Any, Any, Any], db_session: DbSession, settings: AppSettings, oidc: Oidc, now: Now,
    municipality: FromPath[str],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Redirect:
    """Off to the identity provider; back to ``next`` (a page of this site) afterwards."""
    if moved := on_callback_origin(request, settings):
        return moved
    found = await municipality_by_slug(db_session, municipality)
    begun = await service.begin_login(db_session, settings, oidc, now=now)
    max_age = settings.login_attempt_ttl_minutes * 60
    back = local_path(next_path or "", f"/{found.slug}")
    return Redirect(begun.authorization_url, status_code=302, headers={"Cache-Control": PERSONAL}, cookies=[
        _cookie(LOGIN_COOKIE, begun.browser_binding, max_age=max_age), _cookie(NEXT_COOKIE, back, max_age=max_age),
    ])


@post("/{municipality:str}/sign-out", name="signin.end", status_code=303)
async def end(page: Page, db_session: DbSession, now: Now, municipality: FromPath[str]) -> Redirect:
    """End the session (its token stops working at once), clear its cookies, back to the front page."""
    found = await municipality_by_slug(db_session, municipality)
    if page.session_id is not None:
        await close_session(db_session, session_id=page.session_id, now=now)
    return Redirect(f"/{found.slug}", status_code=303, headers={"Cache-Control": PERSONAL}, cookies=[
        *page.cookies, _cookie(SESSION_COOKIE, "", max_age=0), _cookie(CSRF_COOKIE, "", max_age=0, httponly=False),
    ])


HANDLERS = [start, end]
