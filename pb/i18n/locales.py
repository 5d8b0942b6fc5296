"""The locales pb speaks and how a visitor's is chosen: asked for, then remembered, then the browser's, then Finnish."""

from __future__ import annotations

from typing import Literal

Locale = Literal["fi", "sv", "en"]
LOCALES: tuple[Locale, ...] = ("fi", "sv", "en")
DEFAULT_LOCALE: Locale = "fi"
BABEL_LOCALES: dict[Locale, str] = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
"""Formatting follows Finland for every language: Swedish as written in Finland, English with Finnish numbers."""
MAX_ACCEPT_LANGUAGE = 40
"""Language ranges read from one Accept-Language header; the rest is ignored, so a huge header costs nothing."""


def as_locale(value: str | None) -> Locale | None:
    """``value`` if it names a locale pb speaks (``"sv"``, ``"sv-FI"``, ``"SV_fi"``), else None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    for locale in LOCALES:
        if primary == locale:
            return locale
    return None


def parse_accept_language(header: str | None) -> list[str]:
    """The header's language ranges, most preferred first (RFC 9110 q-values; ties keep their order)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGE]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(*, asked: str | None = None, remembered: str | None = None, accept_language: str | None = None) -> Locale:
    """The locale for a request: ``?lang=``, then the remembered choice, then Accept-Language, then Finnish."""
    for candidate in (asked, remembered):
        locale = as_locale(candidate)
        if locale is not None:
            return locale
    for tag in parse_accept_language(accept_language):
        locale = as_locale(tag)
        if locale is not None:
            return locale
    return DEFAULT_LOCALE
