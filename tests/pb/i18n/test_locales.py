"""Choosing a visitor's locale: asked for, remembered, the browser's, then Finnish."""

from __future__ import annotations

import pytest

from pb.i18n import negotiate
from pb.i18n.locales import as_locale, parse_accept_language


def test_an_explicit_choice_beats_the_remembered_one_and_the_browser() -> None:
    assert negotiate(asked="sv", remembered="en", accept_language="fi") == "sv"


def test_the_remembered_choice_beats_the_browser() -> None:
    assert negotiate(remembered="en", accept_language="sv-FI,sv;q=0.9") == "en"


def test_the_browser_preference_is_read_by_quality_not_order() -> None:
    assert negotiate(accept_language="de;q=0.9, en;q=0.5, sv-FI;q=0.8") == "sv"


def test_finnish_when_nothing_pb_speaks_is_asked_for() -> None:
    assert negotiate(asked="de", remembered="xx", accept_language="de-DE, fr;q=0.8") == "fi"
    assert negotiate() == "fi"


def test_a_language_refused_with_q_zero_is_not_chosen() -> None:
    assert negotiate(accept_language="en;q=0, sv") == "sv"


@pytest.mark.parametrize("header", ["en;q=abc", ";;;,,,", "en;q=", "x" * 10_000, ",".join(["de"] * 10_000)])
def test_malformed_or_huge_headers_fall_back_without_error(header: str) -> None:
    assert negotiate(accept_language=header) in ("fi", "en")


def test_language_tags_are_recognised_in_any_case_and_separator() -> None:
    assert [as_locale(tag) for tag in ("SV_fi", "en-GB", "fi", "se", "", None)] == ["sv", "en", "fi", None, None, None]


def test_accept_language_keeps_order_among_equal_qualities() -> None:
    assert parse_accept_language("sv, en, fi;q=0.5") == ["sv", "en", "fi"]
