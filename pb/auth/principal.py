"""The authenticated caller and what each role may touch."""

from __future__ import annotations

from dataclasses import dataclass

from pb.core.errors import Forbidden
from pb.core.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. Officials are scoped to a municipality, coordinators to a network."""

    subject: str
    role: Role
    municipality_id: int | None = None
    network_id: int | None = None
    token_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"{self.role.value}:{self.subject}"


MANAGERS = frozenset({Role.ADMIN, Role.OFFICIAL})
"""Who configures and runs rounds (each official in their own municipality only, which the services check)."""
NETWORK_STAFF = MANAGERS | {Role.COORDINATOR}
"""Who edits networks and reports implementation (coordinators their own network only)."""
ADMINS = frozenset({Role.ADMIN})


def ensure_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise Forbidden("only an administrator may do this")


def ensure_manages_municipality(principal: Principal, municipality_id: int) -> None:
    """Admins manage every municipality; officials only their own."""
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.OFFICIAL and principal.municipality_id == municipality_id:
        return
    raise Forbidden("only the municipality's officials may do this")


def ensure_coordinates_network(principal: Principal, *, municipality_id: int, network_id: int) -> None:
    """A network's coordinator, or anyone who manages its municipality."""
    if principal.role is Role.COORDINATOR and principal.network_id == network_id:
        return
    ensure_manages_municipality(principal, municipality_id)
