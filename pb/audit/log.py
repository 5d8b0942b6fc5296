"""The audit log: every official action, appended to a hash chain that reveals any later edit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def entry_hash(*, seq: int, at: datetime, actor: str, action: str, target: str, details: dict[str, Any],
               prev_hash: str) -> str:
    """Hash an entry's content together with its predecessor's hash."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": details,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    target: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry in the caller's transaction."""
    head = (await session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update())).one()
    details = details or {}
    seq = head.seq + 1
    digest = entry_hash(
        seq=seq, at=now, actor=actor, action=action, target=target, details=details, prev_hash=head.hash
    )
    event = AuditEvent(
        seq=seq, at=now, actor=actor, action=action, target=target, details=details, prev_hash=head.hash,
        hash=digest,
    )
    head.seq, head.hash = seq, digest
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(events: Iterable[AuditEvent], *, head: AuditHead | None) -> list[ChainProblem]:
    """Find edited, removed, inserted or reordered entries by recomputing the chain."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            problems.append(ChainProblem(event.seq, f"expected entry {expected_seq}, found {event.seq}"))
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.seq, "does not follow the previous entry (removed or reordered)"))
        digest = entry_hash(
            seq=event.seq, at=event.at, actor=event.actor, action=event.action, target=event.target,
            details=event.details, prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            problems.append(ChainProblem(event.seq, "content does not match its hash (edited)"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(ChainProblem(head.seq, "the newest entries are missing (truncated)"))
    return problems


async def verify(session: AsyncSession) -> list[ChainProblem]:
    events = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq)))).all()
    head = (await session.exec(select(AuditHead).where(AuditHead.id == 1))).one_or_none()
    return verify_chain(events, head=head)
