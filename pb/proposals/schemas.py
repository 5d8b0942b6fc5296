"""Proposal request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, StrictFloat, StrictInt, model_validator

from pb.budgets.schemas import MAX_AMOUNT
from pb.core.schemas import Input, Output, RowId, disagreement
from pb.proposals.text import Line, Reason, Texts, Theme, Titles

# A point must fall in or near Finland (mainland, Åland and the sea areas around them).
LAT_RANGE = (59.0, 70.5)
LON_RANGE = (19.0, 32.0)


class Location(Input):
    """An address, a map point, or both."""

    address: Line | None = None
    lat: StrictFloat | None = Field(default=None, ge=LAT_RANGE[0], le=LAT_RANGE[1], allow_inf_nan=False)
    lon: StrictFloat | None = Field(default=None, ge=LON_RANGE[0], le=LON_RANGE[1], allow_inf_nan=False)

    @model_validator(mode="after")
    def _address_or_point(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            missing, given = ("lat", "lon") if self.lat is None else ("lon", "lat")
            raise disagreement("a map point needs both lat and lon", missing, given)
        if self.address is None and self.lat is None:
            raise disagreement("give an address or a map point", "address", "lat", "lon")
        return self


class ProposalCreate(Input):
    budget_id: RowId
    title: Titles
    description: Texts
    theme: Theme
    location: Location | None = None
    own_cost: StrictInt | None = Field(
        default=None, ge=0, le=MAX_AMOUNT, description="the proposers' estimate, in cents"
    )
    co_proposers: list[Line] = Field(
        default_factory=list,
        max_length=10,
        description="names of people or associations proposing together, shown",
    )
    show_name: bool = False
    """Show the author's name (``public_name``, else the e-ID name) instead of a pseudonym."""
    public_name: Line | None = None


class ProposalUpdate(Input):
    title: Titles | None = None
    description: Texts | None = None
    theme: Theme | None = None
    location: Location | None = None
    own_cost: StrictInt | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    note: Reason | None = None
    """What changed and why, shown in the history."""


class ProposalPublic(Output):
    id: int
    round_id: int
    budget_id: int
    network_id: int | None
    status: str
    version: int
    title: dict[str, str]
    description: dict[str, str]
    theme: str
    address: str | None
    lat: StrictFloat | None
    lon: StrictFloat | None
    own_cost: int | None
    feasibility: str | None
    official_cost: int | None
    merged_into_id: int | None
    split_from_id: int | None
    authors: list[str]
    supports: int
    hidden: bool
    created_at: datetime
    updated_at: datetime


class VersionPublic(Output):
    proposal_id: int
    version: int
    title: dict[str, str]
    description: dict[str, str]
    theme: str
    address: str | None
    lat: StrictFloat | None
    lon: StrictFloat | None
    own_cost: int | None
    editor_label: str
    note: str
    created_at: datetime


class ModerationEntry(Output):
    """One hide or unhide, with its reason."""

    comment_id: int | None
    """``None`` when the proposal itself was hidden or shown again."""
    action: str
    reason: str
    created_at: datetime


class ModerationState(Output):
    """What the author (or a moderator) sees about hidden content, with the reasons and the history of
    hides and unhides of their own content (moderators: all of the proposal's)."""

    proposal_id: int
    hidden: bool
    hidden_reason: str | None
    hidden_comments: dict[int, str]
    history: list[ModerationEntry]


class ProposalPage(Output):
    items: list[ProposalPublic]
    total: int
    limit: int
    offset: int
