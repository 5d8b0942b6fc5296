"""Building blocks of the pages' view models: text in the visitor's language, the page chrome, the visitor."""

from __future__ import annotations

from dataclasses import dataclass

from pb.i18n import Locale
from pb.i18n.locales import DEFAULT_LOCALE, LOCALES


@dataclass(frozen=True, slots=True)
class Localized:
    """Text that officials or residents wrote, in the visitor's language or a marked fallback.

    ``lang`` is set only when the text is in another language than the page, so that the template can mark
    it (``<span lang="fi">``) and screen readers pronounce it right.
    """

    text: str
    lang: Locale | None = None

    def __str__(self) -> str:
        return self.text


def localized(values: dict[str, str] | None, locale: Locale) -> Localized:
    """``values[locale]``, else Finnish, else whichever language there is; empty text when there is none."""
    values = values or {}
    if values.get(locale):
        return Localized(values[locale])
    for fallback in (DEFAULT_LOCALE, *LOCALES):
        if values.get(fallback):
            return Localized(values[fallback], lang=fallback)
    return Localized("")


@dataclass(frozen=True, slots=True)
class Brand:
    """The municipality a page belongs to, as its header shows it."""

    slug: str
    name: Localized
    theme_url: str
    logo_url: str | None


@dataclass(frozen=True, slots=True)
class VisitorView:
    signed_in: bool
    postal_code: str | None = None
    sign_in_url: str | None = None
    sign_out_url: str | None = None


@dataclass(frozen=True, slots=True)
class LanguageLink:
    locale: Locale
    name: str
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the layout needs around every page: language, header, switcher, footer, the form token."""

    locale: Locale
    title: str
    has_errors: bool
    brand: Brand | None
    visitor: VisitorView
    languages: list[LanguageLink]
    csrf_token: str
    accessibility_url: str
