"""Who may export research data of a published budget, and who may read a round's export policy."""

from __future__ import annotations

from pb.auth.principal import MANAGERS, Principal
from pb.core.errors import Forbidden
from pb.core.models import Role
from pb.research.errors import ExportNotAllowed

EXPORT_ROLES = frozenset({Role.RESEARCHER, Role.ADMIN})
POLICY_READERS = MANAGERS | {Role.RESEARCHER}
"""Who may read a round's export policy at all (officials only their own municipality's, which
:func:`ensure_may_read_policy` checks)."""


def ensure_may_export(principal: Principal | None, *, public_exports: bool) -> None:
    """Researchers (and admins) export published results; anyone when the round made exports public."""
    if public_exports:
        return
    if principal is None or principal.role not in EXPORT_ROLES:
        raise ExportNotAllowed("research exports are for the researcher role unless the round makes them public")


def ensure_may_read_policy(principal: Principal, *, municipality_id: int) -> None:
    """The round's officials (and admins), who set the policy, and researchers, whose exports it governs."""
    if principal.role in (Role.RESEARCHER, Role.ADMIN):
        return
    if principal.role is Role.OFFICIAL and principal.municipality_id == municipality_id:
        return
    raise Forbidden("the results policy is for the municipality's officials and for researchers")
