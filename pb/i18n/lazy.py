"""Lazy strings: text defined at import time (labels, enum names) and translated when it is shown.

A lazy string translates into the locale of the surrounding :func:`use_locale` block, which the web layer opens
for each request; templates and services may also hand it to a :class:`~pb.i18n.translator.Translator`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from pb.i18n.locales import DEFAULT_LOCALE, Locale
from pb.i18n.translator import Translator, translator

_current: contextvars.ContextVar[Locale] = contextvars.ContextVar("pb_locale", default=DEFAULT_LOCALE)


@contextlib.contextmanager
def use_locale(locale: Locale) -> Iterator[Translator]:
    """Translate lazy strings into ``locale`` inside the block."""
    token = _current.set(locale)
    try:
        yield translator(locale)
    finally:
        _current.reset(token)


def current_locale() -> Locale:
    return _current.get()


@dataclass(frozen=True, slots=True)
class LazyString:
    """A message id (with its context, or its plural and count) that becomes text in the current locale."""

    message: str
    context: str | None = None
    plural: str | None = None
    count: int | None = None

    def render(self, with_translator: Translator, **values: Any) -> str:
        if self.plural is not None and self.count is not None:
            if self.context is not None:
                return with_translator.npgettext(self.context, self.message, self.plural, self.count, **values)
            return with_translator.ngettext(self.message, self.plural, self.count, **values)
        if self.context is not None:
            return with_translator.pgettext(self.context, self.message, **values)
        return with_translator.gettext(self.message, **values)

    def __str__(self) -> str:
        return self.render(translator(current_locale()))

    def __html__(self) -> str:
        # Jinja asks objects for their HTML; a translation is text, so it is escaped like any other.
        return str(escape(str(self)))


def lazy_gettext(message: str) -> LazyString:
    return LazyString(message)


def lazy_pgettext(context: str, message: str) -> LazyString:
    return LazyString(message, context=context)


def lazy_ngettext(singular: str, plural: str, count: int) -> LazyString:
    return LazyString(singular, plural=plural, count=count)
