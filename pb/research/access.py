"""Who may export research data of a published budget."""

from __future__ import annotations

from pb.auth.principal import Principal
from pb.core.models import Role
from pb.research.errors import ExportNotAllowed

EXPORT_ROLES = frozenset({Role.RESEARCHER, Role.ADMIN})


def ensure_may_export(principal: Principal | None, *, public_exports: bool) -> None:
    """Researchers (and admins) export published results; anyone when the round made exports public."""
    if public_exports:
        return
    if principal is None or principal.role not in EXPORT_ROLES:
        raise ExportNotAllowed("research exports are for the researcher role unless the round makes them public")
