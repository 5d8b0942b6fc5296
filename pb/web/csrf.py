"""CSRF protection of the pages' forms: a signed double-submit token bound to the visitor's session.

A random value lives in the ``__Host-pb_form`` cookie (HttpOnly, Secure, SameSite=Lax; another site can
neither read nor plant it). Each form carries ``HMAC(secret, value | session id)`` in its ``csrf_token`` field:
a cross-site form cannot know it, and signing in or out changes it (no login CSRF). This is the API's
double-submit design (``pb.http.dependencies.csrf_token``) carried by a form field instead of a header, and it
works before sign-in too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie

from pb.core.settings import Settings

FORM_COOKIE = "__Host-pb_form"
FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRefused(Exception):
    """A form arrived without the token of this browser and session."""


def browser_secret(request: Request[Any, Any, Any]) -> tuple[str, Cookie | None]:
    """This browser's form secret, and the cookie to set when it has none yet."""
    current = request.cookies.get(FORM_COOKIE)
    if current and len(current) >= 32:
        return current, None
    value = secrets.token_urlsafe(32)
    return value, Cookie(key=FORM_COOKIE, value=value, path="/", secure=True, httponly=True, samesite="lax")


def form_token(settings: Settings, secret: str, session_id: str | None) -> str:
    key = settings.secret_key.get_secret_value().encode()
    message = b"pb/form-csrf/" + secret.encode() + b"|" + (session_id or "").encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def check(settings: Settings, *, cookie: str | None, submitted: str | None, session_id: str | None) -> None:
    """Raise :class:`CsrfRefused` unless ``submitted`` is this browser's and session's token."""
    if not cookie or not submitted:
        raise CsrfRefused("the form has no CSRF token, or the browser no form cookie")
    if not hmac.compare_digest(submitted, form_token(settings, cookie, session_id)):
        raise CsrfRefused("the form's CSRF token belongs to another browser or session")
