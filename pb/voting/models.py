"""The voting tables: who took part and what was voted, stored apart so that a database copy cannot join them.

``participation`` knows a voter pseudonym and no ballot content; ``ballot`` knows the content and no voter.
Neither has a timestamp or a sequence; their keys are a keyed hash and a random UUID. The participation row
holds the id of its current ballot only sealed (AES-GCM) under a key derived from the master secret, which is
kept outside the database (docs/security.md, "Voting").
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from pb.core.models import JSONType, utc_column

# SQLite stores a table without rowid in primary-key order: a random UUID or a keyed hash, not cast order.
NO_ROWID = {"sqlite_with_rowid": False}


class Participation(SQLModel, table=True):
    """A voter took part in a budget's vote: the one-person-one-ballot guard."""

    __tablename__ = "participation"
    # The primary key (budget_id, voter_key) is the UNIQUE constraint that allows one participation per voter.
    __table_args__ = (NO_ROWID,)

    budget_id: int = Field(foreign_key="budget.id", primary_key=True)
    voter_key: str = Field(primary_key=True, max_length=64)
    """HMAC(K_round, person_key): one key per person within a round, unrelated keys across rounds."""
    sealed_ballot: str = Field(max_length=200)
    """The current ballot's id and receipt nonce, sealed under the round's link key (not in the database)."""
    idempotency_tag: str | None = Field(default=None, max_length=64)
    """Keyed hash of the Idempotency-Key of the cast that made the current ballot."""
    request_tag: str | None = Field(default=None, max_length=64)
    """Keyed hash of that cast's request, to tell a retry from a different request under the same key."""


class Ballot(SQLModel, table=True):
    """A counted ballot: content and receipt, no voter, no time, no order."""

    __tablename__ = "ballot"
    __table_args__ = (NO_ROWID,)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True, sa_type=sa.Uuid)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    config_hash: str = Field(max_length=64)
    selections: Any = Field(sa_type=JSONType)
    """Canonical: sorted codes (approval, knapsack), best first (ranked), {code: points} (cumulative)."""
    receipt: str = Field(max_length=64, unique=True)


class BoardPublication(SQLModel, table=True):
    """A budget's ballot set, frozen and published when voting closed."""

    __tablename__ = "board_publication"

    budget_id: int = Field(foreign_key="budget.id", primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    config_hash: str = Field(max_length=64)
    ballot_count: int
    set_hash: str = Field(max_length=64)
    published_at: datetime = utc_column()

