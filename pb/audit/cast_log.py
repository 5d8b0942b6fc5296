"""The audit trail of casts: one append-only ``cast_event`` row per cast, revote or refused cast.

Written in the cast's own transaction (or, for a refusal, in one of its own) with a plain INSERT under a random
key: no shared row is locked, so casts never wait for one another here. A row holds the budget, what happened,
the HTTP status, the problem code and the minute; never a voter, a session, a ballot's content or its receipt.
Auditors read it aggregated (``GET /audit/cast-events``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit.access import ensure_audits
from pb.audit.models import CastAction, CastEvent, coarse_time
from pb.auth.principal import Principal

_INSERT = insert(CastEvent.__table__)  # type: ignore[attr-defined]  # Core: no ORM bulk insert


async def record_cast(
    session: AsyncSession, *, budget_id: int, action: CastAction, status: int, code: str | None, now: datetime
) -> None:
    """Append one event in the caller's transaction."""
    values = {
        "id": uuid.uuid4(), "budget_id": budget_id, "action": action.value, "status": status, "code": code,
        "at": coarse_time(now),
    }
    await (await session.connection()).execute(_INSERT, values)


@dataclass(frozen=True, slots=True)
class CastEventCount:
    budget_id: int
    action: str
    status: int
    code: str | None
    count: int
    first_at: datetime
    last_at: datetime


async def cast_event_counts(
    session: AsyncSession, *, principal: Principal, budget_id: int | None = None
) -> Sequence[CastEventCount]:
    """Events per budget, action, status and code, with the first and last minute seen; auditors and admins."""
    ensure_audits(principal)
    query = select(
        col(CastEvent.budget_id), col(CastEvent.action), col(CastEvent.status), col(CastEvent.code), func.count(),
        func.min(CastEvent.at), func.max(CastEvent.at),
    ).group_by(col(CastEvent.budget_id), col(CastEvent.action), col(CastEvent.status), col(CastEvent.code))
    if budget_id is not None:
        query = query.where(col(CastEvent.budget_id) == budget_id)
    rows = (await (await session.connection()).execute(query.order_by(
        col(CastEvent.budget_id), col(CastEvent.action), col(CastEvent.status), col(CastEvent.code)))).all()
    return [CastEventCount(*row) for row in rows]
