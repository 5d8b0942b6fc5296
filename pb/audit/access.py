"""Who reads the audit log and the trail of casts: auditors and administrators."""

from __future__ import annotations

from pb.auth.principal import Principal
from pb.core.errors import Forbidden
from pb.core.models import Role

AUDIT_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})


def ensure_audits(principal: Principal) -> None:
    if principal.role not in AUDIT_ROLES:
        raise Forbidden("only auditors and administrators read the audit log")
