"""The request's locale: ``?lang=``, then the language cookie the switcher sets, then Accept-Language, then Finnish."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie

from pb.i18n import LOCALES, Locale, negotiate
from pb.i18n.locales import as_locale

LANG_COOKIE = "__Host-pb_lang"
LANG_PARAM = "lang"
REMEMBER_S = 365 * 24 * 3600
LANGUAGE_NAMES: dict[Locale, str] = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
"""Each language named in itself, as a visitor who reads only that language looks for it."""


def request_locale(request: Request[Any, Any, Any]) -> Locale:
    return negotiate(
        asked=request.query_params.get(LANG_PARAM),
        remembered=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def remembered_choice(request: Request[Any, Any, Any]) -> Cookie | None:
    """The cookie that keeps a language picked with ``?lang=``; none when nothing new was picked."""
    asked = as_locale(request.query_params.get(LANG_PARAM))
    if asked is None or asked == request.cookies.get(LANG_COOKIE):
        return None
    return Cookie(key=LANG_COOKIE, value=asked, max_age=REMEMBER_S, path="/", secure=True, httponly=True,
                  samesite="lax")


def switch_links(request: Request[Any, Any, Any]) -> list[tuple[Locale, str, str]]:
    """``(locale, its own name, URL of this page in it)`` for the language switcher; other query values stay."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != LANG_PARAM]
    return [
        (locale, LANGUAGE_NAMES[locale], f"{request.url.path}?{urlencode([*kept, (LANG_PARAM, locale)])}")
        for locale in LOCALES
    ]
