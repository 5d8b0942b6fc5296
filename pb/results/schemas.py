"""Bodies of the results API. Nothing here names a voter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field, StrictInt, model_validator

from pb.core.schemas import Input, LocalizedText, Output, disagreement
from pb.results.models import ProgressStatus


class ResultPublic(Output):
    """A stored result with everything needed to reproduce it."""

    budget_id: int
    round_id: int
    status: str
    rule: str
    parameters: dict[str, Any]
    tie_break: str
    seed: int
    config_hash: str
    ballot_count: int
    ballot_set_hash: str
    pb_version: str
    outcome: dict[str, Any]
    tallied_at: datetime
    confirmed_at: datetime | None
    published_at: datetime | None


class ProjectOutcome(Output):
    code: str
    title: dict[str, str]
    cost: int
    status: str
    support: int | str
    reason: str
    """The reason code (``ballots.reasons.ReasonCode``)."""
    explanation: str | None
    """The reason as a sentence in the request's language (None for results stored before reason codes)."""
    how_close: list[str]
    """How close it came, in the request's language: what cost or how many more voters would have funded it,
    or how much more it could have cost."""
    how_close_figures: dict[str, Any] | None
    """The same as figures: max_cost, extra_cost, cost_cut (euros, exact: integers or "p/q"), extra_supporters,
    monotone."""


class PublicResultView(Output):
    """What residents see: funded projects, support, costs, leftover, the rule in words, turnout."""

    budget_id: int
    budget_name: dict[str, str]
    amount: int
    total_cost: int
    leftover: int
    rule: str
    rule_explained: dict[str, str]
    ballots: int
    """Turnout: ballots counted in this budget (pb does not know the size of the electorate)."""
    selected: list[str]
    projects: list[ProjectOutcome]
    ballot_set_hash: str
    published_at: datetime | None


class PublishRequest(Input):
    acknowledge_small_count: bool = False
    """Publish although the budget has fewer ballots than the round's minimum (SECURITY.md N5)."""


class ProgressCreate(Input):
    status: ProgressStatus
    percent: StrictInt = Field(default=0, ge=0, le=100)
    note: LocalizedText = LocalizedText()
    cancel_reason: LocalizedText | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _reason_only_when_cancelled(self) -> ProgressCreate:
        if self.cancel_reason is not None and self.status is not ProgressStatus.CANCELLED:
            raise disagreement("cancel_reason is only for a cancelled project", "cancel_reason", "status")
        return self


class ProgressPublic(Output):
    id: int
    project_id: int
    status: str
    percent: int
    note: dict[str, str]
    cancel_reason: dict[str, str] | None
    starts_on: date | None
    ends_on: date | None
    created_at: datetime


class NoticePublic(Output):
    id: int
    project_id: int
    update_id: int
    created_at: datetime
