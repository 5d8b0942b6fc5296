"""Ballot project request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictInt, StringConstraints

from pb.budgets.schemas import MAX_AMOUNT
from pb.core.schemas import Input, LocalizedName, LocalizedText, Output

ProjectCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]


class ProjectCreate(Input):
    code: ProjectCode
    title: LocalizedName
    description: LocalizedText = Field(default_factory=LocalizedText)
    cost: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="in cents (EUR)")


class ProjectUpdate(Input):
    title: LocalizedName | None = None
    description: LocalizedText | None = None
    cost: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT)


class ProjectPublic(Output):
    id: int
    budget_id: int
    code: str
    title: dict[str, str]
    description: dict[str, str]
    cost: int
    proposal_id: int | None
    created_at: datetime
    updated_at: datetime
