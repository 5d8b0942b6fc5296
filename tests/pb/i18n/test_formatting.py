"""Money, numbers and dates as Babel writes them for Finland in each language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pb.i18n.formatting import format_date, format_datetime, format_money, format_number, format_percent
from pb.i18n.locales import LOCALES, Locale

NBSP = "\xa0"


@pytest.mark.parametrize("locale", LOCALES)
def test_money_from_cents_has_no_break_spaces_a_decimal_comma_and_the_euro_after(locale: Locale) -> None:
    assert format_money(123_456_750, locale) == f"1{NBSP}234{NBSP}567,50{NBSP}€"


@pytest.mark.parametrize("locale", LOCALES)
def test_whole_euros_drop_the_cents_unless_asked(locale: Locale) -> None:
    assert format_money(250_000, locale) == f"2{NBSP}500{NBSP}€"
    assert format_money(250_000, locale, always_cents=True) == f"2{NBSP}500,00{NBSP}€"


def test_money_keeps_single_cents_and_negative_amounts() -> None:
    assert format_money(5, "fi") == f"0,05{NBSP}€"
    assert format_money(-150, "fi").endswith(f"1,50{NBSP}€")


def test_numbers_group_thousands_with_no_break_spaces() -> None:
    assert format_number(47_064, "sv") == f"47{NBSP}064"


def test_percent_in_finnish_style() -> None:
    assert format_percent(0.081, "fi", digits=1) == f"8,1{NBSP}%"


def test_dates_are_days_in_helsinki_not_utc() -> None:
    late_evening_utc = datetime(2027, 8, 31, 22, 30, tzinfo=UTC)  # 1.30 on 1 September in Helsinki (summer time)
    assert format_date(late_evening_utc, "fi") == "1. syyskuuta 2027"
    assert format_date(late_evening_utc, "sv") == "1 september 2027"
    assert format_date(late_evening_utc, "en") == "1 September 2027"


def test_a_calendar_day_is_formatted_as_it_is() -> None:
    assert format_date(date(2027, 12, 6), "fi", style="short") == "6.12.2027"


def test_moments_show_helsinki_clock_time_in_winter_and_summer() -> None:
    assert format_datetime(datetime(2027, 1, 15, 10, 0, tzinfo=UTC), "fi") == "15. tammikuuta 2027 12.00"
    assert format_datetime(datetime(2027, 7, 15, 10, 0, tzinfo=UTC), "fi") == "15. heinäkuuta 2027 13.00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_date(datetime(2027, 1, 1, 12, 0), "fi")  # noqa: DTZ001
