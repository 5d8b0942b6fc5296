"""What auditors read: pages of the audit log, the chain's verdict, counts of casts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pb.core.schemas import Output


class AuditEntry(Output):
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(Output):
    entries: list[AuditEntry]
    offset: int
    limit: int
    total: int


class AuditVerdict(Output):
    intact: bool
    entries: int
    problems: list[dict[str, Any]]


class CastEventCountPublic(Output):
    """How many casts, revotes or refusals (by status and problem code) a budget saw, and between which minutes."""

    budget_id: int
    action: str
    status: int
    code: str | None
    count: int
    first_at: datetime
    last_at: datetime
