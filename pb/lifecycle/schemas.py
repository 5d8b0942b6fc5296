"""Bodies of the phase transitions: a move an official asks for, the logged moves, and a round's readiness."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from pb.core.models import Phase
from pb.core.schemas import Input, Output

ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class TransitionRequest(Input):
    to: Phase
    acknowledge_not_ready: list[ItemKey] = Field(default_factory=list, max_length=200)
    """The keys of the readiness items (``GET /rounds/{id}/readiness``) an official opens voting despite."""
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    """Why voting opens although the round is not ready; required with ``acknowledge_not_ready``, audited."""


class TransitionPublic(Output):
    from_phase: Phase
    to_phase: Phase
    trigger: str
    actor: str
    at: datetime


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


class ReadinessPublic(Output):
    round_id: int
    phase: Phase
    ready: bool
    held_by_schedule_since: datetime | None
    """When voting was due by the phase plan, while the round waits outside voting because it is not ready."""
    missing: list[MissingPublic]
