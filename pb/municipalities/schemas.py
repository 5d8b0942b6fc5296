"""Municipality request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from pb.core.schemas import Input, Language, LocalizedName, Output, Slug

MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^\d{3}$")]
RESERVED_SLUGS = frozenset({
    "accessibility", "api", "audit", "auth", "board", "budgets", "comments", "deliberation-rounds", "dev-idp",
    "health", "me", "municipalities", "networks", "projects", "proposals", "questions", "reports", "rounds",
    "schema", "static",
})
"""Top-level names of the API and the pages: a municipality's pages live at ``/<slug>``, so it cannot take one."""


def _not_reserved(slug: str) -> str:
    if slug in RESERVED_SLUGS:
        raise ValueError(f"{slug!r} is a name pb uses itself; choose another slug")
    return slug


MunicipalitySlug = Annotated[Slug, AfterValidator(_not_reserved)]


class MunicipalityCreate(Input):
    slug: MunicipalitySlug
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
