"""The audit log for auditors: pages of entries and a verification of the chain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.audit.access import ensure_audits
from pb.audit.models import AuditEvent
from pb.auth.principal import Principal


async def page(
    session: AsyncSession, *, principal: Principal, offset: int, limit: int
) -> tuple[Sequence[AuditEvent], int]:
    ensure_audits(principal)
    total = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
    query = select(AuditEvent).order_by(col(AuditEvent.seq)).offset(offset).limit(limit)
    return (await session.exec(query)).all(), total


async def verify(session: AsyncSession, *, principal: Principal) -> tuple[list[audit.ChainProblem], int]:
    ensure_audits(principal)
    total = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
    return await audit.verify(session), total
