"""Bodies of the research export policy."""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictInt

from pb.core.schemas import Input, Output


class PolicyUpdate(Input):
    """The whole policy: PUT replaces it, so every field is required and none is ever reset by being left out."""

    public_exports: StrictBool
    """Whether anyone may download the exports, not only researchers."""
    min_ballot_class: StrictInt = Field(ge=2, le=1000)
    """Fewest voters sharing a combination of attributes published next to ballots."""
    min_table_cell: StrictInt = Field(ge=2, le=1000)
    """Fewest voters in a published cell of an aggregate table; smaller cells are suppressed."""


class PolicyPublic(Output):
    round_id: int
    public_exports: bool
    min_ballot_class: int
    min_table_cell: int
    frozen: bool
    """True once a budget of the round is published: the policy then never changes, so neither do exports."""
