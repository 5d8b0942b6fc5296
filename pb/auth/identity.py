"""Who a signed-in resident is, as far as pb needs to know: a keyed person key and eligibility claims."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

PERSON_KEY_CONTEXT = b"pb/person-key/v1"


@dataclass(frozen=True, slots=True)
class IdentityClaims:
    """Claims taken from a verified ID token. Lives only in memory during sign-in; never stored as is."""

    issuer: str
    subject: str
    national_id: str | None
    birth_date: date | None
    municipality_code: str | None
    postal_code: str | None
    acr: str | None
    name: str | None

    def __repr__(self) -> str:
        # Keeps the national id, subject and name out of tracebacks and debug logs.
        return f"IdentityClaims(issuer={self.issuer!r}, acr={self.acr!r})"


@dataclass(frozen=True, slots=True)
class Resident:
    """A signed-in resident: a session, a stable person key and the non-identifying claims eligibility needs.

    ``person_key`` is the same for one person across sign-ins and e-ID methods; the voting slice derives its
    per-round voter pseudonym from it. ``display_name`` is known only in the sign-in response.
    """

    session_id: str
    person_key: str
    birth_date: date | None
    municipality_code: str | None
    postal_code: str | None
    acr: str | None
    display_name: str | None = None

    def __repr__(self) -> str:
        return f"Resident(session_id=..., municipality_code={self.municipality_code!r}, acr={self.acr!r})"


def person_key(claims: IdentityClaims, *, master: bytes) -> str:
    """Hex HMAC-SHA-256 of the person's national identifier (else issuer and subject) under a derived key."""
    key = hmac.new(master, PERSON_KEY_CONTEXT, hashlib.sha256).digest()
    if claims.national_id:
        material = "FI-HETU:" + claims.national_id.strip().upper()
    else:
        material = "OIDC:" + claims.issuer + "|" + claims.subject
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)
