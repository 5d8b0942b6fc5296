"""Budget request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, StrictInt, model_validator

from pb.core.models import BallotFormat
from pb.core.schemas import Input, LocalizedName, Output, RowId, Slug, disagreement

MAX_AMOUNT = 10**13
"""A hundred billion euros in cents: far above any municipal budget, far below integer limits."""

TieBreakName = Literal["default", "lexico"]


class BallotLimits(Input):
    """The limits of a ballot format; which ones apply depends on the format."""

    min_selections: StrictInt = Field(default=0, ge=0, le=1000)
    max_selections: StrictInt | None = Field(default=None, ge=1, le=1000)
    max_cost: StrictInt | None = Field(default=None, ge=1, le=MAX_AMOUNT)
    max_points_per_project: StrictInt | None = Field(default=None, ge=1, le=1000)
    max_total_points: StrictInt | None = Field(default=None, ge=1, le=100_000)


class BudgetCreate(BallotLimits):
    slug: Slug
    network_id: RowId | None = None
    name: LocalizedName | None = None
    """Defaults to the network's name; required for a municipality-wide budget."""
    amount: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="in cents (EUR)")
    ballot_format: BallotFormat = BallotFormat.APPROVAL
    rule: str = Field(default="equal-shares", max_length=32)
    rule_params: dict[str, Any] = Field(default_factory=dict, max_length=20)
    tie_break: TieBreakName = "default"
    min_age: StrictInt | None = Field(default=None, ge=0, le=120)
    area_restricted: bool = True

    @model_validator(mode="after")
    def _municipality_wide_budgets_are_named(self) -> BudgetCreate:
        if self.network_id is None and self.name is None:
            raise disagreement("a municipality-wide budget needs a name", "name", "network_id")
        return self


class BudgetUpdate(Input):
    name: LocalizedName | None = None
    amount: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    ballot_format: BallotFormat | None = None
    min_selections: StrictInt | None = Field(default=None, ge=0, le=1000)
    max_selections: StrictInt | None = Field(default=None, ge=1, le=1000)
    max_cost: StrictInt | None = Field(default=None, ge=1, le=MAX_AMOUNT)
    max_points_per_project: StrictInt | None = Field(default=None, ge=1, le=1000)
    max_total_points: StrictInt | None = Field(default=None, ge=1, le=100_000)
    rule: str | None = Field(default=None, max_length=32)
    rule_params: dict[str, Any] | None = Field(default=None, max_length=20)
    tie_break: TieBreakName | None = None
    min_age: StrictInt | None = Field(default=None, ge=0, le=120)
    area_restricted: bool | None = None


class BudgetPublic(Output):
    id: int
    round_id: int
    network_id: int | None
    slug: str
    name: dict[str, str]
    amount: int
    ballot_format: BallotFormat
    min_selections: int
    max_selections: int | None
    max_cost: int | None
    max_points_per_project: int | None
    max_total_points: int | None
    rule: str
    rule_params: dict[str, Any]
    tie_break: str
    min_age: int | None
    area_restricted: bool
    created_at: datetime
    updated_at: datetime
