"""The request as a page handler sees it: the visitor's language and translator, their session, the form token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar_htmx import HTMXRequest
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import Resident
from pb.auth.sessions import authenticate_resident, verify_session_token
from pb.core.errors import PbError
from pb.core.settings import Settings
from pb.http.dependencies import SESSION_COOKIE, AppSettings, DbSession, Now
from pb.i18n import Locale, Translator, translator
from pb.web import csrf
from pb.web.locale import remembered_choice, request_locale


@dataclass(slots=True)
class PageContext:
    """Everything about the request that pages use besides their own data."""

    request: HTMXRequest
    settings: Settings
    locale: Locale
    t: Translator
    resident: Resident | None
    """The signed-in resident, checked against the session table; None for anyone else."""
    csrf_token: str
    now: datetime
    cookies: list[Cookie] = field(default_factory=list)
    """Cookies the response sets: a newly picked language, a browser's first form secret."""

    @property
    def session_id(self) -> str | None:
        return self.resident.session_id if self.resident else None


Page = NamedDependency[PageContext]
"""Parameter ``page`` of every page handler (the web router provides it)."""


async def provide_page(request: HTMXRequest, db_session: DbSession, settings: AppSettings, now: Now) -> PageContext:
    resident = await signed_in_resident(request, db_session, settings, now)
    return page_context(request, settings, resident=resident, now=now)


def page_context(request: HTMXRequest, settings: Settings, *, resident: Resident | None, now: datetime) -> PageContext:
    """The context of a request whose visitor is already known (error pages know none)."""
    locale = request_locale(request)
    secret, secret_cookie = csrf.browser_secret(request)
    cookies = [c for c in (remembered_choice(request), secret_cookie) if c is not None]
    # Bound to the session the cookie names, as the check before a form's handler sees it (without the database);
    # a resident already signed in came from that very cookie, so its signature is not checked a second time.
    session_id = resident.session_id if resident is not None else session_of(request, settings, now)
    token = csrf.form_token(settings, secret, session_id)
    return PageContext(request, settings, locale, translator(locale), resident, token, now, cookies)


async def signed_in_resident(
    request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, now: datetime
) -> Resident | None:
    """The resident whose session cookie this is, or None when there is none or it is no longer valid."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return None
    try:
        return await authenticate_resident(db_session, settings, cookie, now=now)
    except PbError:
        # An expired or ended session makes the visitor signed out, not an error page.
        return None


def session_of(request: Request[Any, Any, Any], settings: Settings, now: datetime) -> str | None:
    """The session id in the cookie, checked without the database (for binding form tokens)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return None
    try:
        claims = verify_session_token(settings, cookie, now=now)
    except PbError:
        return None
    session_id: str = claims["sid"]
    return session_id
