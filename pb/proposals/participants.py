"""Who takes part in deliberation, and how they are named in public.

Residents are identified by an *author key*: a domain-separated SHA-256 of the e-ID person key. It is
stable for one person (so support is one per person and authors can edit), differs from the person key and
the voter keys derived from it, and cannot be turned back into an identity. The public sees a name only when
its owner chose to show one; otherwise a pseudonym that is stable within one proposal and differs between
proposals, so that a person's activity across proposals is not linkable by label.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from pb.auth.principal import Principal
from pb.core.models import Role
from pb.voting.eligibility import VoterClaims

AUTHOR_KEY_CONTEXT = "pb/proposal-author/v1:"


def author_key(person_key: str) -> str:
    return hashlib.sha256((AUTHOR_KEY_CONTEXT + person_key).encode()).hexdigest()[:48]


class SignedIn(VoterClaims, Protocol):
    """What deliberation needs of a signed-in resident (``pb.auth.identity.Resident``): its name, and the
    claims the round's participation rules read."""

    @property
    def display_name(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Participant:
    """A caller acting in deliberation: a resident, a coordinator for a network, or an official."""

    key: str
    role: Role
    actor: str
    """How the audit log names the caller; never a person key."""
    display_name: str | None = None
    municipality_id: int | None = None
    network_id: int | None = None
    claims: VoterClaims | None = None
    """A resident's e-ID claims, for the participation rules (pb.proposals.eligibility)."""

    @property
    def principal(self) -> Principal:
        return Principal(
            subject=self.key, role=self.role, municipality_id=self.municipality_id, network_id=self.network_id
        )

    @property
    def is_resident(self) -> bool:
        return self.role is Role.RESIDENT


def from_resident(resident: SignedIn) -> Participant:
    key = author_key(resident.person_key)
    return Participant(
        key=key, role=Role.RESIDENT, actor=f"resident:{key[:12]}", display_name=resident.display_name,
        claims=resident,
    )


def from_principal(principal: Principal) -> Participant:
    """Officials and coordinators act under their token's subject; a coordinator speaks for their network."""
    key = f"network:{principal.network_id}" if principal.role is Role.COORDINATOR else principal.actor
    return Participant(
        key=key[:64],
        role=principal.role,
        actor=principal.actor,
        municipality_id=principal.municipality_id,
        network_id=principal.network_id,
    )


def pseudonym(key: str, proposal_id: int) -> str:
    """A label that is the same for one person within a proposal and unlinkable across proposals."""
    digest = hashlib.sha256(f"pb/pseudonym/v1:{proposal_id}:{key}".encode()).hexdigest()[:6]
    return f"asukas-{digest}"


def public_label(who: Participant, proposal_id: int, *, name: str | None, show_name: bool) -> str:
    """The name the caller chose to show, else their network's or office's role, else a pseudonym."""
    if show_name and (name or who.display_name):
        return (name or who.display_name or "")[:200]
    if who.role is Role.COORDINATOR:
        return f"network:{who.network_id}"
    if who.role in (Role.OFFICIAL, Role.ADMIN):
        return "official"
    return pseudonym(who.key, proposal_id)
