"""Municipality request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from pb.schemas import Input, Language, LocalizedName, Output, Slug

MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^\d{3}$")]


class MunicipalityCreate(Input):
    slug: Slug
    code: MunicipalityCode
    name: LocalizedName
    languages: list[Language] = Field(min_length=1, max_length=3)


class MunicipalityPublic(Output):
    id: int
    slug: str
    code: str
    name: dict[str, str]
    languages: list[str]
    created_at: datetime
