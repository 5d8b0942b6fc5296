"""Building blocks shared by the API's request and response bodies."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints
from pydantic_core import PydanticCustomError

from pb.core.errors import fill

MAX_ID = 2**31 - 1
"""The largest row id: every id column is PostgreSQL's ``integer``."""

RowId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
"""A row id in a body: a JSON integer (never ``"12"``) within the id columns' range."""

FIELDS_DISAGREE = "fields_disagree"
"""The pydantic error type of a check across fields (:func:`disagreement`)."""


def disagreement(message: str, *fields: str, **values: str | int) -> PydanticCustomError:
    """What a model validator raises when its fields contradict each other.

    ``message`` is an English message id (``%(name)s`` filled from ``values``), answered in the caller's language;
    ``fields`` are the fields involved, relative to the model, the one to change first. The HTTP edge
    (pb.http.request_body) reports them as the problem's ``field`` and ``fields``, where a plain ``ValueError``
    would only name the model (or, at the top, nothing).
    """
    context: dict[str, Any] = {"fields": list(fields), "message_id": message, "values": values}
    return PydanticCustomError(FIELDS_DISAGREE, fill(message, values), context)


Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=64)]
"""An identifier in URLs, commands and file names, not text people read (names carry the language): ASCII, so
any keyboard, shell and URL can carry it unescaped."""
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_no_control_characters)]
PostalCode = Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
District = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Input(BaseModel):
    """A request body: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LocalizedName(Input):
    """A name in Finnish, and where the municipality uses them, Swedish and English."""

    fi: Name
    sv: Name | None = None
    en: Name | None = None

    def as_dict(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class LocalizedText(Input):
    fi: Text = ""
    sv: Text | None = None
    en: Text | None = None

    def as_dict(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class Page(Input):
    limit: StrictInt = Field(default=50, ge=1, le=500)
    offset: StrictInt = Field(default=0, ge=0, le=MAX_ID)
