"""Bodies of the research export policy."""

from __future__ import annotations

from pydantic import Field

from pb.core.schemas import Input, Output


class PolicyUpdate(Input):
    public_exports: bool = False
    min_ballot_class: int = Field(default=10, ge=2, le=1000)
    min_table_cell: int = Field(default=5, ge=2, le=1000)


class PolicyPublic(Output):
    round_id: int
    public_exports: bool
    min_ballot_class: int
    min_table_cell: int
