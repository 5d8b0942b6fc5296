"""One locale's messages and formats, as handed to templates, services and problem details."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.support import NullTranslations

from pb.i18n import catalogues, formatting
from pb.i18n.locales import Locale


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages and formats of one locale. Message ids are English sentences with named placeholders."""

    locale: Locale
    translations: NullTranslations

    def gettext(self, message: str, **values: Any) -> str:
        return _fill(self.translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """The form for ``count``; ``%(count)s`` (or ``{count}`` in templates) is filled with it, as a number."""
        text = self.translations.ngettext(singular, plural, count)
        return _fill(text, {"count": self.number(count), **values})

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return _fill(str(self.translations.pgettext(context, message)), values)

    def npgettext(self, context: str, singular: str, plural: str, count: int, **values: Any) -> str:
        text = str(self.translations.npgettext(context, singular, plural, count))
        return _fill(text, {"count": self.number(count), **values})

    def money(self, cents: int, *, always_cents: bool = False) -> str:
        return formatting.format_money(cents, self.locale, always_cents=always_cents)

    def number(self, value: int | float | Decimal) -> str:
        return formatting.format_number(value, self.locale)

    def percent(self, value: float | Decimal, *, digits: int = 0) -> str:
        return formatting.format_percent(value, self.locale, digits=digits)

    def date(self, value: date | datetime, *, style: formatting.DateStyle = "long") -> str:
        return formatting.format_date(value, self.locale, style=style)

    def datetime(self, moment: datetime, *, style: formatting.DateStyle = "long") -> str:
        return formatting.format_datetime(moment, self.locale, style=style)


def _fill(text: str, values: dict[str, Any]) -> str:
    return text % values if values else text


@functools.cache
def translator(locale: Locale) -> Translator:
    """The translator of ``locale``, built once per process."""
    return Translator(locale, catalogues.load(locale))
