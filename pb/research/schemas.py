"""Bodies of the research export policy."""

from __future__ import annotations

from pydantic import Field, StrictInt

from pb.core.schemas import Input, Output


class PolicyUpdate(Input):
    public_exports: bool = False
    min_ballot_class: StrictInt = Field(default=10, ge=2, le=1000)
    min_table_cell: StrictInt = Field(default=5, ge=2, le=1000)


class PolicyPublic(Output):
    round_id: int
    public_exports: bool
    min_ballot_class: int
    min_table_cell: int
