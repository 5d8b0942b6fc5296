"""The audit tables: the hash chain of official actions, and the lock-free trail of casts beside it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from pb.core.models import JSONType, utc_column

# SQLite stores a table without rowid in primary-key order: a random UUID, not cast order.
NO_ROWID = {"sqlite_with_rowid": False}


class AuditEvent(SQLModel, table=True):
    """An append-only, hash-chained record of an official action."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = utc_column()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64, index=True)
    target: str = Field(max_length=200)
    details: dict[str, Any] = Field(sa_type=JSONType)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """The chain's newest entry; locking this row serialises writers so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True, default=1)
    seq: int = 0
    hash: str = Field(max_length=64)


class CastAction(StrEnum):
    CAST = "cast"
    REVOTE = "revote"
    REJECTED = "rejected"


class CastEvent(SQLModel, table=True):
    """The audit trail of casts and refused casts: append-only, outside the hash chain, written without a lock.

    It says that something happened in a budget, how it ended and roughly when; never who, what or which
    receipt. Official actions stay in the hash-chained ``audit_event``; a cast must not wait for its lock.
    """

    __tablename__ = "cast_event"
    __table_args__ = (
        sa.CheckConstraint("action IN ('cast', 'revote', 'rejected')", name="cast_action_allowed"),
        NO_ROWID,
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True, sa_type=sa.Uuid)
    """Random, so the key says nothing about order."""
    budget_id: int = Field(index=True)
    """No foreign key: a refused cast may name a budget that does not exist."""
    action: str = Field(max_length=16)
    status: int
    code: str | None = Field(default=None, max_length=64)
    at: datetime = utc_column()
    """Truncated to the minute (``coarse_time``)."""


def coarse_time(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
