"""Network request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from pb.core.models import NetworkKind
from pb.core.schemas import (
    District,
    Input,
    LocalizedName,
    LocalizedText,
    Name,
    Output,
    PostalCode,
    Slug,
    disagreement,
)


class Coordinator(Input):
    """The network's coordinator (verkostokoordinaattori), as residents may contact them."""

    name: Name
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40, pattern=r"^\+?[0-9 ()-]{5,40}$")


class NetworkCreate(Input):
    slug: Slug
    kind: NetworkKind
    name: LocalizedName
    description: LocalizedText = Field(default_factory=LocalizedText)
    postal_codes: list[PostalCode] = Field(default_factory=list, max_length=500)
    districts: list[District] = Field(default_factory=list, max_length=200)
    core_team: list[Name] = Field(default_factory=list, max_length=100)
    coordinator: Coordinator | None = None

    @model_validator(mode="after")
    def _regional_networks_cover_an_area(self) -> NetworkCreate:
        if self.kind is NetworkKind.REGIONAL and not (self.postal_codes or self.districts):
            raise disagreement("a regional network lists the postal codes or districts it covers",
                               "postal_codes", "districts", "kind")
        return self


class NetworkUpdate(Input):
    name: LocalizedName | None = None
    description: LocalizedText | None = None
    postal_codes: list[PostalCode] | None = Field(default=None, max_length=500)
    districts: list[District] | None = Field(default=None, max_length=200)
    core_team: list[Name] | None = Field(default=None, max_length=100)
    coordinator: Coordinator | None = None
    archived: bool | None = None


class NetworkPublic(Output):
    id: int
    municipality_id: int
    slug: str
    kind: NetworkKind
    name: dict[str, str]
    description: dict[str, str]
    postal_codes: list[str]
    districts: list[str]
    core_team: list[str]
    coordinator: dict[str, str] | None
    archived_at: datetime | None
    created_at: datetime
