"""Turning a provider's claims into pb's identity claims, with the configured claim names."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pb.auth.identity import IdentityClaims
from pb.core.errors import Forbidden
from pb.core.settings import Settings

HETU = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")
CENTURY = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900,
           "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str) and str(value).strip():
        return str(value).strip()
    return None


def birth_date_from_hetu(hetu: str) -> date | None:
    match = HETU.match(hetu)
    if match is None:
        return None
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(CENTURY[match[4]] + year, month, day)
    except ValueError:
        return None


def _birth_date(value: Any, national_id: str | None) -> date | None:
    text = _text(value)
    if text is not None:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    return birth_date_from_hetu(national_id) if national_id else None


def identity_claims(settings: Settings, issuer: str, claims: dict[str, Any]) -> IdentityClaims:
    """Map verified claims to pb's; the national id is normalised and used only to derive the person key."""
    national_id = _text(claims.get(settings.oidc_claim_national_id))
    national_id = national_id.upper() if national_id else None
    municipality = _text(claims.get(settings.oidc_claim_municipality))
    if municipality is not None and municipality.isdigit():
        municipality = municipality.zfill(3)
    return IdentityClaims(
        issuer=issuer,
        subject=str(claims["sub"]),
        national_id=national_id,
        birth_date=_birth_date(claims.get(settings.oidc_claim_birth_date), national_id),
        municipality_code=municipality,
        postal_code=_text(claims.get(settings.oidc_claim_postal_code)),
        acr=_text(claims.get("acr")),
        name=_text(claims.get(settings.oidc_claim_name)),
    )


def ensure_assurance(settings: Settings, acr: str | None) -> None:
    """Refuse sign-ins below the configured level of assurance (403: the person is known, not trusted)."""
    level = settings.oidc_acr_levels.get(acr or "", 0)
    if level < settings.oidc_min_acr_level:
        raise Forbidden("the sign-in method's level of assurance is too low; use strong identification")
