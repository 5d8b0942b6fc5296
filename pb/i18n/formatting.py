"""Numbers, money and dates as people in Finland read them, in each of pb's languages (Babel, CLDR data)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from babel import dates, numbers

from pb.i18n.locales import BABEL_LOCALES, Locale

TIMEZONE = ZoneInfo("Europe/Helsinki")
CENTS = 100
DateStyle = Literal["short", "medium", "long", "full"]


def format_money(cents: int, locale: Locale, *, always_cents: bool = False) -> str:
    """Euros from integer cents: ``123456750`` -> ``"1 234 567,50 €"`` (no-break spaces); whole euros drop ``,00``."""
    euros = Decimal(cents) / CENTS
    if cents % CENTS == 0 and not always_cents:
        return numbers.format_currency(euros, "EUR", format="#,##0\xa0¤", currency_digits=False,
                                       locale=BABEL_LOCALES[locale])
    return numbers.format_currency(euros, "EUR", locale=BABEL_LOCALES[locale])


def format_number(value: int | float | Decimal, locale: Locale) -> str:
    return numbers.format_decimal(value, locale=BABEL_LOCALES[locale])


def format_percent(value: float | Decimal, locale: Locale, *, digits: int = 0) -> str:
    """``0.081`` -> ``"8 %"``; ``digits`` decimals are kept."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\xa0%"
    return numbers.format_percent(value, format=pattern, locale=BABEL_LOCALES[locale])


def local(moment: datetime) -> datetime:
    """An aware moment in Finnish time (Europe/Helsinki, with summer time)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not formatted: the zone they are in is unknown")
    return moment.astimezone(TIMEZONE)


def format_date(value: date | datetime, locale: Locale, *, style: DateStyle = "long") -> str:
    """A calendar day; a moment is first put in Finnish time, so 23.30 UTC on 31 August is 1 September."""
    day = local(value).date() if isinstance(value, datetime) else value
    return dates.format_date(day, format=style, locale=BABEL_LOCALES[locale])


def format_datetime(moment: datetime, locale: Locale, *, style: DateStyle = "long") -> str:
    """A moment in Finnish time: the day as ``format_date`` gives it, and the clock time."""
    local_moment = local(moment)
    day = dates.format_date(local_moment.date(), format=style, locale=BABEL_LOCALES[locale])
    clock = dates.format_time(local_moment, format="short", locale=BABEL_LOCALES[locale])
    return f"{day} {clock}"
