"""Request and response bodies for deliberation: rounds, discussion, support, reviews, volunteers,
moderation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field, StrictInt, model_validator

from pb.budgets.schemas import MAX_AMOUNT
from pb.core.schemas import Input, LocalizedName, Output, RowId, disagreement
from pb.proposals.models import Feasibility, ReportOutcome
from pb.proposals.text import Line, LongText, Message, Reason, Texts, Titles


class AdvancementRule(Input):
    """Which proposals advance when a deliberation round closes.

    ``min-support``: every proposal with at least ``min_supports`` supports; ``top-k``: the ``k`` most
    supported
    proposals of each budget (ties at the cut advance together). With ``require_feasible`` (the default) only
    proposals whose latest review is feasible or feasible with changes can advance. Proposals reviewed not
    feasible
    or out of scope never advance.
    """

    id: Annotated[str, AfterValidator(lambda v: _known_rule(v))]
    min_supports: StrictInt = Field(default=0, ge=0, le=1_000_000)
    k: StrictInt | None = Field(default=None, ge=1, le=1_000)
    require_feasible: bool = True

    @model_validator(mode="after")
    def _params(self) -> AdvancementRule:
        if self.id == "top-k" and self.k is None:
            raise disagreement("the top-k rule needs k", "k", "id")
        return self

    def params(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id"}, exclude_none=True)


def _known_rule(value: str) -> str:
    if value not in ("min-support", "top-k"):
        raise ValueError("unknown rule; known: min-support, top-k")
    return value


class StageCreate(Input):
    name: LocalizedName
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    rule: AdvancementRule
    is_last: bool = False
    """Closing the last round puts the advancing proposals on their budgets' ballots."""

    @model_validator(mode="after")
    def _order(self) -> StageCreate:
        if self.ends_at <= self.starts_at:
            raise disagreement("ends_at must be after starts_at", "ends_at", "starts_at")
        return self


class StageUpdate(Input):
    """Move a deliberation round that has not closed, or rename it; fields left out keep their values."""

    name: LocalizedName | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None


class StageClose(Input):
    early: bool = False
    """Close before the window ends: support stops now and the advancement rule decides on what it has."""


class StagePublic(Output):
    id: int
    round_id: int
    number: int
    name: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    rule: str
    rule_params: dict[str, Any]
    is_last: bool
    closed_at: datetime | None


class CommentCreate(Input):
    body: Message
    parent_id: RowId | None = None
    show_name: bool = False
    public_name: Line | None = None


class QuestionCreate(Input):
    body: Message
    show_name: bool = False
    public_name: Line | None = None


class AnswerCreate(Input):
    body: Message


class CommentPublic(Output):
    id: int
    proposal_id: int
    parent_id: int | None
    kind: str
    body: str
    label: str
    official: bool
    hidden: bool
    created_at: datetime
    replies: list[CommentPublic] = Field(default_factory=list)


class SupportPublic(Output):
    proposal_id: int
    supports: int
    supported: bool


class ReviewCreate(Input):
    decision: Feasibility
    reasons: Texts
    cost: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT, description="binding estimate in cents")

    @model_validator(mode="after")
    def _cost_when_feasible(self) -> ReviewCreate:
        feasible = self.decision in (Feasibility.FEASIBLE, Feasibility.FEASIBLE_WITH_CHANGES)
        if feasible and self.cost is None:
            raise disagreement("a feasible proposal needs a binding cost estimate (cost)", "cost", "decision")
        return self


class ReviewPublic(Output):
    id: int
    proposal_id: int
    decision: str
    reasons: dict[str, str]
    cost: int | None
    reviewer: str
    created_at: datetime


class MergeRequest(Input):
    sources: list[RowId] = Field(min_length=1, max_length=20)
    """Proposals merged into this one; their authors, history and supports move here."""
    title: Titles | None = None
    description: Texts | None = None
    note: Reason


class SplitRequest(Input):
    title: Titles
    description: Texts
    own_cost: StrictInt | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    note: Reason


class AdvancementPublic(Output):
    deliberation_round_id: int
    proposal_id: int
    budget_id: int
    advanced: bool
    supports: int
    rank: int
    feasibility: str | None
    rule: str
    rule_params: dict[str, Any]
    reason: str
    ballot_project_id: int | None
    decided_at: datetime


class VolunteerKind(StrEnum):
    RESIDENT = "resident"
    ASSOCIATION = "association"
    BUSINESS = "business"


class Offer(StrEnum):
    TIME = "time"
    SKILLS = "skills"
    SPACE = "space"
    MATERIALS = "materials"


class VolunteerCreate(Input):
    kind: VolunteerKind = VolunteerKind.RESIDENT
    name: Line
    show_name: bool = False
    offers: list[Offer] = Field(min_length=1, max_length=4)
    message: LongText
    contact: Line | None = None
    """How the author may reach the volunteer; seen only by the author and the coordinator."""


class VolunteerPublic(Output):
    """An offer as the public sees it: the name only with consent, never the contact."""

    id: int
    kind: str
    name: str | None
    offers: list[str]
    created_at: datetime


class VolunteerPrivate(VolunteerPublic):
    message: str
    contact: str | None
    show_name: bool


class VolunteerSummary(Output):
    proposal_id: int
    count: int
    by_offer: dict[str, int]
    public: list[VolunteerPublic]


class HideRequest(Input):
    """Why content is hidden, or shown again: its author sees the reason."""

    reason: Reason


class ReportState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ResolveRequest(Input):
    outcome: ReportOutcome
    """``hidden`` hides the reported content (if it is not hidden yet) with ``reason`` as the reason its
    author sees; ``no_action`` leaves it as it is."""
    reason: Reason


class ReportCreate(Input):
    comment_id: RowId | None = None
    reason: Reason


class ReportPublic(Output):
    id: int
    proposal_id: int
    comment_id: int | None
    reason: str
    created_at: datetime
    resolved_at: datetime | None
    outcome: str | None
    resolution: str | None


class Ack(Output):
    id: int
    created_at: datetime


__all__ = ["AnswerCreate", "CommentCreate", "Texts"]
