"""HTTP routes for auditors: the audit log, its verification, and the counted trail of casts."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import FromQuery

from pb.audit import cast_log, service
from pb.audit.access import AUDIT_ROLES
from pb.audit.schemas import AuditEntry, AuditPage, AuditVerdict, CastEventCountPublic
from pb.http.dependencies import Caller, DbSession, Offset, OptionalId, only, provide_principal

AUTH = {"principal": Provide(provide_principal)}


class AuditController(Controller):
    path = "/audit"
    opt = only(AUDIT_ROLES)
    tags = ("audit",)
    dependencies = AUTH

    @get("/", operation_id="listAuditEntries", summary="Read the audit log")
    async def entries(
        self, db_session: DbSession, principal: Caller, offset: FromQuery[Offset] = 0,
        limit: FromQuery[int] = 100,
    ) -> AuditPage:
        """The hash-chained audit log, oldest first, paged with `offset` and `limit`: who did what to which object and
        when. Auditors and administrators."""
        limit = max(1, min(limit, 500))
        rows, total = await service.page(db_session, principal=principal, offset=offset, limit=limit)
        return AuditPage(entries=[AuditEntry.model_validate(r) for r in rows], offset=offset, limit=limit, total=total)

    @get("/verify", operation_id="verifyAuditLog", summary="Verify the audit log's hash chain")
    async def verify(self, db_session: DbSession, principal: Caller) -> AuditVerdict:
        """Recomputes the audit log's hash chain and names every entry that was edited, removed or reordered. Auditors
        and administrators."""
        problems, total = await service.verify(db_session, principal=principal)
        return AuditVerdict(intact=not problems, entries=total,
                            problems=[{"seq": p.seq, "problem": p.problem} for p in problems])

    @get("/cast-events", operation_id="countCastEvents", summary="Count casts for an audit")
    async def cast_events(
        self, db_session: DbSession, principal: Caller, budget_id: FromQuery[OptionalId] = None
    ) -> Sequence[CastEventCountPublic]:
        """Casts, revotes and refused casts counted per budget, action, status and code; auditors and admins."""
        rows = await cast_log.cast_event_counts(db_session, principal=principal, budget_id=budget_id)
        return [CastEventCountPublic.model_validate(r) for r in rows]
