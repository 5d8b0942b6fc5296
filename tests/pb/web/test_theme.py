"""Each municipality's look: a colour white text can be read on, a logo the CSP allows, HDS's properties set."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pb.core.settings import Settings, WebMunicipality
from pb.web.rendering import content_security_policy
from pb.web.theme import theme_css, theme_version


def test_the_brand_colour_becomes_hds_custom_properties() -> None:
    css = theme_css(WebMunicipality(colour="#005799"))
    assert "--color-bus: #005799;" in css and "--pb-brand: #005799;" in css
    assert "--color-bus-dark: #" in css and "--color-bus-light: #" in css


def test_without_a_colour_the_pages_use_hds_s_own() -> None:
    assert "--color-bus: #0000bf;" in theme_css(None)


def test_the_theme_url_changes_when_the_colour_does() -> None:
    assert theme_version(WebMunicipality(colour="#005799")) != theme_version(WebMunicipality(colour="#0000bf"))


@pytest.mark.parametrize("colour", ["#00a17d", "#ffe977", "#ffffff"])
def test_a_colour_white_text_cannot_be_read_on_is_refused(colour: str) -> None:
    with pytest.raises(ValidationError, match="too faint"):
        WebMunicipality(colour=colour)


@pytest.mark.parametrize("logo", ["http://cdn.example/logo.svg", "javascript:alert(1)", "/static/a b.svg",
                                  '/static/x.svg"onload=1'])
def test_logos_come_from_pb_s_static_files_or_https(logo: str) -> None:
    with pytest.raises(ValidationError):
        WebMunicipality(logo_url=logo)


def test_an_https_logo_s_origin_is_the_only_other_image_source_the_pages_allow() -> None:
    settings = Settings(env="test", web_municipalities={
        "tuusula": WebMunicipality(logo_url="https://media.tuusula.example/logo.svg"),
    })
    policy = content_security_policy(settings)
    assert "img-src 'self' data: https://media.tuusula.example;" in policy
    assert "script-src 'self';" in policy
