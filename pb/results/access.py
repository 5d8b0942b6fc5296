"""Who may read what of the results: the audit log (auditors, admins) and research exports."""

from __future__ import annotations

from pb.auth.principal import Principal
from pb.errors import Forbidden
from pb.models import Role
from pb.results.errors import ExportNotAllowed

AUDIT_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
EXPORT_ROLES = frozenset({Role.RESEARCHER, Role.ADMIN})


def ensure_audits(principal: Principal) -> None:
    if principal.role not in AUDIT_ROLES:
        raise Forbidden("only auditors and administrators read the audit log")


def ensure_may_export(principal: Principal | None, *, public_exports: bool) -> None:
    """Researchers (and admins) export published results; anyone when the round made exports public."""
    if public_exports:
        return
    if principal is None or principal.role not in EXPORT_ROLES:
        raise ExportNotAllowed("research exports are for the researcher role unless the round makes them public")
