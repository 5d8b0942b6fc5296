"""Bodies of the phase transitions: a move an official asks for, the logged moves, and a round's readiness."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from pb.core.models import Phase
from pb.core.schemas import Input, Output
from pb.rounds.schemas import MissingPublic

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


class ReadinessPublic(Output):
    round_id: int
    phase: Phase
    ready: bool
    held_by_schedule_since: datetime | None
    """When voting was due by the phase plan, while the round waits outside voting because it is not ready."""
    missing: list[MissingPublic]
