"""Tables of the results slice: tallied outcomes, the round's results policy, implementation progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from pb.core.models import JSONType, utc_column


class ResultStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    PUBLISHED = "published"


class ProgressStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class BudgetResult(SQLModel, table=True):
    """A budget's outcome with everything needed to reproduce it; immutable once published (a trigger)."""

    __tablename__ = "budget_result"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'confirmed', 'published')", name="status_allowed"),
    )

    budget_id: int = Field(foreign_key="budget.id", primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    rule: str = Field(max_length=32)
    parameters: dict[str, Any] = Field(sa_type=JSONType)
    tie_break: str = Field(max_length=16)
    seed: int = Field(sa_type=sa.BigInteger)
    config_hash: str = Field(max_length=64)
    ballot_count: int
    ballot_set_hash: str = Field(max_length=64)
    pb_version: str = Field(max_length=32)
    outcome: dict[str, Any] = Field(sa_type=JSONType)
    """selected, total_cost, leftover, ties and per project: support, status, reason, details (all JSON)."""
    status: str = Field(max_length=16, default=ResultStatus.DRAFT.value)
    tallied_at: datetime = utc_column()
    confirmed_at: datetime | None = utc_column(nullable=True)
    published_at: datetime | None = utc_column(nullable=True)


class ResultsPolicy(SQLModel, table=True):
    """How a round shares its data after publication: public exports or researchers only, and k minimums."""

    __tablename__ = "results_policy"
    __table_args__ = (
        sa.CheckConstraint("min_ballot_class >= 2 AND min_table_cell >= 2", name="minimums_at_least_two"),
    )

    round_id: int = Field(foreign_key="budget_round.id", primary_key=True)
    public_exports: bool = False
    min_ballot_class: int = 10
    """Fewest voters sharing any combination of attributes published next to ballots."""
    min_table_cell: int = 5
    """Fewest voters in any published cell of an aggregate table."""
    updated_at: datetime = utc_column()


class ImplementationUpdate(SQLModel, table=True):
    """One report on how a funded project is being carried out; the newest is the project's state."""

    __tablename__ = "implementation_update"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'cancelled')", name="progress_status_allowed"
        ),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="ballot_project.id", index=True)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    status: str = Field(max_length=16)
    percent: int = 0
    note: dict[str, str] = Field(sa_type=JSONType)
    cancel_reason: dict[str, str] | None = Field(default=None, sa_type=JSONType)
    starts_on: date | None = None
    ends_on: date | None = None
    created_at: datetime = utc_column()


class VolunteerNotice(SQLModel, table=True):
    """A volunteer of the project's proposal has news to read; pb sends no e-mail."""

    __tablename__ = "volunteer_notice"

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="implementation_update.id", index=True)
    project_id: int = Field(foreign_key="ballot_project.id")
    volunteer_key: str = Field(max_length=64, index=True)
    created_at: datetime = utc_column()
    read_at: datetime | None = utc_column(nullable=True)
