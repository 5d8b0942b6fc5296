"""Database tables. Money is integer cents; timestamps are timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always aware UTC, also on SQLite, which keeps no zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index)


class NetworkKind(StrEnum):
    REGIONAL = "regional"
    THEME = "theme"
    BUSINESS = "business"


class Phase(StrEnum):
    DRAFT = "draft"
    PROPOSALS = "proposals"
    DELIBERATION = "deliberation"
    VOTING = "voting"
    TALLYING = "tallying"
    RESULTS = "results"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"


PHASES: tuple[Phase, ...] = tuple(Phase)


class BallotFormat(StrEnum):
    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    """Approval with a cap on the total cost of the approved projects."""
    CUMULATIVE = "cumulative"
    RANKED = "ranked"


class Role(StrEnum):
    ADMIN = "admin"
    OFFICIAL = "official"
    COORDINATOR = "coordinator"
    RESIDENT = "resident"
    RESEARCHER = "researcher"
    AUDITOR = "auditor"


def _in(column: str, values: type[StrEnum]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    code: str = Field(max_length=3, unique=True)
    """Statistics Finland's municipality number (Tuusula: 858), as e-ID residence claims give it."""
    name: dict[str, str] = Field(sa_type=JSONType)
    languages: list[str] = Field(sa_type=JSONType)
    created_at: datetime = utc_column()


class Network(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("municipality_id", "slug"), _in("kind", NetworkKind))

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    slug: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    name: dict[str, str] = Field(sa_type=JSONType)
    description: dict[str, str] = Field(sa_type=JSONType)
    postal_codes: list[str] = Field(sa_type=JSONType)
    districts: list[str] = Field(sa_type=JSONType)
    core_team: list[str] = Field(default_factory=list, sa_type=JSONType)
    """Names of the core team (ydintiimi), published on the network's page with each member's consent."""
    coordinator: dict[str, str] | None = Field(default=None, sa_type=JSONType)
    """The municipality's coordinator for the network: ``name`` and, where given, ``email`` and ``phone``."""
    archived_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()


class BudgetRound(SQLModel, table=True):
    __tablename__ = "budget_round"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "slug"),
        _in("phase", Phase),
        sa.CheckConstraint("min_age >= 0 AND min_age <= 120", name="min_age_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    slug: str = Field(max_length=64)
    year: int
    name: dict[str, str] = Field(sa_type=JSONType)
    phase: str = Field(max_length=16, default=Phase.DRAFT.value)
    min_age: int = 15
    """Voters must have reached this age on the last voting day."""
    residence_required: bool = True
    allow_revoting: bool = True
    config_hash: str | None = Field(default=None, max_length=64)
    """SHA-256 of the configuration frozen when voting opened; ballots carry it."""
    frozen_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class RoundPhase(SQLModel, table=True):
    """When one phase of a round's phase plan starts and ends."""

    __tablename__ = "round_phase"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "phase"),
        _in("phase", Phase),
        sa.CheckConstraint("ends_at > starts_at", name="phase_window_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    phase: str = Field(max_length=16)
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()


class PhaseTransition(SQLModel, table=True):
    """One move of a round from a phase to the next, by schedule or by an official."""

    __tablename__ = "phase_transition"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    from_phase: str = Field(max_length=16)
    to_phase: str = Field(max_length=16)
    trigger: str = Field(max_length=16)
    actor: str = Field(max_length=200)
    at: datetime = utc_column()


class Budget(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("round_id", "slug"),
        _in("ballot_format", BallotFormat),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("min_selections >= 0", name="min_selections_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="network.id", index=True)
    """The network whose money this is; none for a municipality-wide budget."""
    slug: str = Field(max_length=64)
    name: dict[str, str] = Field(sa_type=JSONType)
    amount: int = Field(sa_type=sa.BigInteger)
    ballot_format: str = Field(max_length=16)
    min_selections: int = 0
    max_selections: int | None = None
    max_cost: int | None = Field(default=None, sa_type=sa.BigInteger)
    max_points_per_project: int | None = None
    max_total_points: int | None = None
    rule: str = Field(max_length=32)
    rule_params: dict[str, Any] = Field(sa_type=JSONType)
    tie_break: str = Field(max_length=16)
    min_age: int | None = None
    """Overrides the round's minimum age for this budget (e.g. a youth budget)."""
    area_restricted: bool = True
    """Only residents of the network's area vote (regional networks)."""
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class BallotProject(SQLModel, table=True):
    """A project on a budget's ballot, with the cost the municipality has confirmed."""

    __tablename__ = "ballot_project"
    __table_args__ = (
        sa.UniqueConstraint("budget_id", "code"),
        sa.CheckConstraint("cost > 0", name="cost_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    code: str = Field(max_length=32)
    """The project's id on the ballot and in exports (Pabulib project_id): short, stable, public."""
    title: dict[str, str] = Field(sa_type=JSONType)
    description: dict[str, str] = Field(sa_type=JSONType)
    cost: int = Field(sa_type=sa.BigInteger)
    proposal_id: int | None = Field(default=None, index=True)
    """The proposal it grew from, where it came through deliberation."""
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class ApiToken(SQLModel, table=True):
    """An issued API token, kept so that it can be listed and revoked."""

    __tablename__ = "api_token"
    __table_args__ = (_in("role", Role),)

    jti: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=200)
    role: str = Field(max_length=16)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    network_id: int | None = Field(default=None, foreign_key="network.id")
    issued_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    revoked_at: datetime | None = utc_column(nullable=True)

