"""Budget round request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field, StrictInt, model_validator

from pb.core.models import PHASES, Phase
from pb.core.schemas import Input, LocalizedName, Output, RowId, Slug, disagreement


class PhaseWindow(Input):
    phase: Phase
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> PhaseWindow:
        if self.ends_at <= self.starts_at:
            raise disagreement("ends_at must be after starts_at", "ends_at", "starts_at")
        return self


class Schedule(Input):
    """The phase plan: windows in phase order, none overlapping; draft needs none."""

    phases: list[PhaseWindow] = Field(max_length=len(PHASES))

    @model_validator(mode="after")
    def _ordered_and_disjoint(self) -> Schedule:
        for i, window in enumerate(self.phases):
            if window.phase is Phase.DRAFT:
                raise disagreement("the draft phase has no window: it lasts until the next phase starts",
                                   f"phases.{i}.phase")
        for i, (earlier, later) in enumerate(zip(self.phases, self.phases[1:], strict=False), start=1):
            if PHASES.index(later.phase) <= PHASES.index(earlier.phase):
                raise disagreement("phases must be listed once each, in phase order: %(later)s comes after "
                                   "%(earlier)s", f"phases.{i}.phase", f"phases.{i - 1}.phase",
                                   later=later.phase.value, earlier=earlier.phase.value)
            if later.starts_at < earlier.ends_at:
                raise disagreement("%(later)s starts before %(earlier)s ends", f"phases.{i}.starts_at",
                                   f"phases.{i - 1}.ends_at", later=later.phase.value, earlier=earlier.phase.value)
        return self


class RoundCreate(Input):
    municipality_id: RowId
    slug: Slug
    year: StrictInt = Field(ge=2000, le=2200)
    name: LocalizedName
    min_age: StrictInt = Field(default=15, ge=0, le=120)
    residence_required: bool = True
    allow_revoting: bool = True
    schedule: Schedule | None = None


class RoundUpdate(Input):
    name: LocalizedName | None = None
    min_age: StrictInt | None = Field(default=None, ge=0, le=120)
    residence_required: bool | None = None
    allow_revoting: bool | None = None


class PhaseWindowPublic(Output):
    phase: Phase
    starts_at: datetime
    ends_at: datetime


class MissingPublic(Output):
    """One thing a round lacks before voting opens; ``key`` names it in ``acknowledge_not_ready``."""

    key: str
    code: str
    overridable: bool
    budget_id: int | None
    budget_slug: str | None
    deliberation_number: int | None
    detail: str
    values: dict[str, Any]


class RoundHeld(Output):
    """Voting was due by the phase plan, but the round waits outside it until it is ready."""

    since: datetime
    """When the voting window began."""
    to: Phase
    missing: list[MissingPublic]
    """What the round lacks, as ``GET /rounds/{id}/readiness`` lists it, in the caller's language."""


class TallyFailurePublic(Output):
    """The round's latest tally failed: it stays in tallying until ``POST /rounds/{id}/tally`` succeeds."""

    at: datetime
    error: str
    reason: str


class RoundPublic(Output):
    id: int
    municipality_id: int
    slug: str
    year: int
    name: dict[str, str]
    phase: Phase
    min_age: int
    residence_required: bool
    allow_revoting: bool
    config_hash: str | None
    frozen_at: datetime | None
    schedule: list[PhaseWindowPublic]
    budget_count: int
    created_at: datetime
    updated_at: datetime
    held: RoundHeld | None = None
    """Set while the scheduler keeps the round out of voting because it is not ready."""
    tally_failure: TallyFailurePublic | None = None
    """Set while the round's latest tally attempt has failed."""
