"""Tables for proposals and their deliberation. Residents appear only by a derived author key, never by id.

Full-text search indexes are not declared here: the migration adds them per dialect (PostgreSQL expression
indexes with the finnish/swedish/english configurations; an FTS5 table with triggers on SQLite).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from pb.core.models import JSONType, utc_column


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    ADVANCED = "advanced"
    NOT_ADVANCED = "not_advanced"
    MERGED = "merged"
    ON_BALLOT = "on_ballot"


class Feasibility(StrEnum):
    FEASIBLE = "feasible"
    FEASIBLE_WITH_CHANGES = "feasible_with_changes"
    NOT_FEASIBLE = "not_feasible"
    OUT_OF_SCOPE = "out_of_scope"


class CommentKind(StrEnum):
    COMMENT = "comment"
    QUESTION = "question"
    ANSWER = "answer"


class ModerationKind(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"


class ReportOutcome(StrEnum):
    HIDDEN = "hidden"
    """The reported content was hidden (by this resolution or before it)."""
    NO_ACTION = "no_action"


def _in(column: str, values: type[StrEnum]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Proposal(SQLModel, table=True):
    """An idea for a budget, in the languages its authors wrote it in; the current version of its text."""

    __table_args__ = (
        _in("status", ProposalStatus),
        sa.CheckConstraint("own_cost IS NULL OR own_cost >= 0", name="own_cost_not_negative"),
        sa.CheckConstraint("official_cost IS NULL OR official_cost > 0", name="official_cost_positive"),
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="network.id", index=True)
    """The budget's network, copied so that coordinators' scope and filters need no join."""
    status: str = Field(max_length=16, default=ProposalStatus.SUBMITTED.value, index=True)
    version: int = 1
    title: dict[str, str] = Field(sa_type=JSONType)
    description: dict[str, str] = Field(sa_type=JSONType)
    theme: str = Field(max_length=64, index=True)
    address: str | None = Field(default=None, max_length=200)
    lat: float | None = None
    lon: float | None = None
    own_cost: int | None = Field(default=None, sa_type=sa.BigInteger)
    """The proposers' own estimate, in cents."""
    feasibility: str | None = Field(default=None, max_length=32)
    official_cost: int | None = Field(default=None, sa_type=sa.BigInteger)
    """The binding estimate of the latest review, in cents."""
    merged_into_id: int | None = Field(default=None, foreign_key="proposal.id")
    split_from_id: int | None = Field(default=None, foreign_key="proposal.id")
    hidden_at: datetime | None = utc_column(nullable=True)
    hidden_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class ProposalAuthor(SQLModel, table=True):
    """A proposer: a resident (by author key), a network (coordinator submission) or a named co-proposer."""

    __tablename__ = "proposal_author"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "author_key"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    author_key: str = Field(max_length=64)
    """A per-person key derived from the e-ID person key (or ``network:<id>``, ``named:<n>``); not
    reversible."""
    label: str = Field(max_length=200)
    """What the public sees: the name given with consent, the network's name, or a pseudonym."""
    can_edit: bool = True
    created_at: datetime = utc_column()


class ProposalVersion(SQLModel, table=True):
    """One version of a proposal's text, kept for its public history."""

    __tablename__ = "proposal_version"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    version: int
    title: dict[str, str] = Field(sa_type=JSONType)
    description: dict[str, str] = Field(sa_type=JSONType)
    theme: str = Field(max_length=64)
    address: str | None = Field(default=None, max_length=200)
    lat: float | None = None
    lon: float | None = None
    own_cost: int | None = Field(default=None, sa_type=sa.BigInteger)
    editor_label: str = Field(max_length=200)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = utc_column()


class DeliberationRound(SQLModel, table=True):
    """One deliberation round within a budget round's deliberation phase, with its window and advancement
    rule."""

    __tablename__ = "deliberation_round"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "number"),
        sa.CheckConstraint("ends_at > starts_at", name="deliberation_window_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="budget_round.id", index=True)
    number: int
    name: dict[str, str] = Field(sa_type=JSONType)
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()
    rule: str = Field(max_length=32)
    rule_params: dict[str, Any] = Field(sa_type=JSONType)
    is_last: bool = False
    closed_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()


class ProposalComment(SQLModel, table=True):
    """A comment, a question to the municipality, or an official answer; threaded by ``parent_id``."""

    __tablename__ = "proposal_comment"
    __table_args__ = (_in("kind", CommentKind),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="proposal_comment.id", index=True)
    kind: str = Field(max_length=16)
    body: str = Field(sa_type=sa.Text)
    author_key: str = Field(max_length=64)
    label: str = Field(max_length=200)
    official: bool = False
    hidden_at: datetime | None = utc_column(nullable=True)
    hidden_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = utc_column()


class ProposalSupport(SQLModel, table=True):
    """One resident's support of one proposal; withdrawing deletes the row."""

    __tablename__ = "proposal_support"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "supporter_key"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    supporter_key: str = Field(max_length=64)
    created_at: datetime = utc_column()


class ProposalReview(SQLModel, table=True):
    """An official feasibility and cost review; the latest one is the proposal's current review."""

    __tablename__ = "proposal_review"
    __table_args__ = (
        _in("decision", Feasibility),
        sa.CheckConstraint("cost IS NULL OR cost > 0", name="review_cost_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    decision: str = Field(max_length=32)
    reasons: dict[str, str] = Field(sa_type=JSONType)
    cost: int | None = Field(default=None, sa_type=sa.BigInteger)
    reviewer: str = Field(max_length=200)
    """The reviewing official's role and organisation scope, not a personal name."""
    created_at: datetime = utc_column()


class AdvancementDecision(SQLModel, table=True):
    """Whether a proposal advanced at the close of a deliberation round, with the rule and the counts."""

    __tablename__ = "advancement_decision"
    __table_args__ = (sa.UniqueConstraint("deliberation_round_id", "proposal_id"),)

    id: int | None = Field(default=None, primary_key=True)
    deliberation_round_id: int = Field(foreign_key="deliberation_round.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    budget_id: int = Field(foreign_key="budget.id")
    advanced: bool
    supports: int
    rank: int
    """Position by support within the budget (1 = most supported)."""
    feasibility: str | None = Field(default=None, max_length=32)
    rule: str = Field(max_length=32)
    rule_params: dict[str, Any] = Field(sa_type=JSONType)
    reason: str = Field(max_length=200)
    ballot_project_id: int | None = None
    decided_at: datetime = utc_column()


class VolunteerOffer(SQLModel, table=True):
    """An offer to help carry a proposal out."""

    __tablename__ = "volunteer_offer"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    volunteer_key: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=200)
    show_name: bool = False
    offers: list[str] = Field(sa_type=JSONType)
    message: str = Field(sa_type=sa.Text)
    contact: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_column()
    withdrawn_at: datetime | None = utc_column(nullable=True)


class ContentReport(SQLModel, table=True):
    """A resident's report of a proposal or comment for the moderators; open until an official resolves it."""

    __tablename__ = "content_report"
    __table_args__ = (_in("outcome", ReportOutcome),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    comment_id: int | None = Field(default=None, foreign_key="proposal_comment.id")
    reporter_key: str = Field(max_length=64)
    reason: str = Field(max_length=1000)
    created_at: datetime = utc_column()
    resolved_at: datetime | None = utc_column(nullable=True)
    outcome: str | None = Field(default=None, max_length=16)
    resolution: str | None = Field(default=None, max_length=1000)
    """The official's note on the outcome."""


class ModerationAction(SQLModel, table=True):
    """One hide or unhide of a proposal or comment, with the stated reason: the history its author sees.

    ``hidden_at``/``hidden_reason`` on the content are the current state; this table keeps every step.
    """

    __tablename__ = "moderation_action"
    __table_args__ = (_in("action", ModerationKind),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    comment_id: int | None = Field(default=None, foreign_key="proposal_comment.id")
    """Set when the action concerns a comment of the proposal."""
    action: str = Field(max_length=16)
    reason: str = Field(max_length=1000)
    created_at: datetime = utc_column()
