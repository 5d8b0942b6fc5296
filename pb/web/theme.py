"""Each municipality's look: its name and logo in the header, its colour through HDS's custom properties.

The colour comes from ``PB_WEB_MUNICIPALITIES`` (settings refuse colours white text cannot be read on) and
reaches the browser as a small stylesheet, ``/<slug>/theme.css``, since the pages allow no inline style.
HDS components take their primary colour from ``--color-bus``; pb's own CSS uses ``--pb-brand``.
"""

from __future__ import annotations

import hashlib

from pb.core.models import Municipality
from pb.core.settings import Settings, WebMunicipality
from pb.i18n import Locale
from pb.web.views import Brand, localized

DEFAULT_COLOUR = "#0000bf"
"""HDS's own primary colour (bus), for municipalities that have not set one."""


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` of ``other`` mixed in, as #rrggbb."""
    channels = []
    for i in (1, 3, 5):
        a, b = int(colour[i : i + 2], 16), int(other[i : i + 2], 16)
        channels.append(round(a * (1 - share) + b * share))
    return "#" + "".join(f"{c:02x}" for c in channels)


def theme_css(web: WebMunicipality | None) -> str:
    colour = (web.colour if web and web.colour else DEFAULT_COLOUR).lower()
    dark, light = _mix(colour, "#000000", 0.35), _mix(colour, "#ffffff", 0.92)
    medium_light = _mix(colour, "#ffffff", 0.75)
    return (
        ":root {\n"
        f"  --pb-brand: {colour};\n  --pb-brand-dark: {dark};\n  --pb-brand-light: {light};\n"
        f"  --color-bus: {colour};\n  --color-bus-dark: {dark};\n  --color-bus-light: {light};\n"
        f"  --color-bus-medium-light: {medium_light};\n"
        "}\n"
    )


def theme_version(web: WebMunicipality | None) -> str:
    return hashlib.sha256(theme_css(web).encode()).hexdigest()[:12]


def brand_of(municipality: Municipality, settings: Settings, locale: Locale) -> Brand:
    web = settings.web_municipalities.get(municipality.slug)
    return Brand(
        slug=municipality.slug,
        name=localized(municipality.name, locale),
        theme_url=f"/{municipality.slug}/theme.css?v={theme_version(web)}",
        logo_url=web.logo_url if web else None,
    )
