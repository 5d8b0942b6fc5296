"""Bodies of the phase transitions: a move an official asks for, and the logged moves."""

from __future__ import annotations

from datetime import datetime

from pb.core.models import Phase
from pb.core.schemas import Input, Output


class TransitionRequest(Input):
    to: Phase


class TransitionPublic(Output):
    from_phase: Phase
    to_phase: Phase
    trigger: str
    actor: str
    at: datetime
