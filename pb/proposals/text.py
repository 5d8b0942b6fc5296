"""Plain-text input for proposals and discussion.

Policy: pb's API is JSON and never renders HTML, and text that looks like markup is refused rather than
stored:
a ``<`` followed by a letter, ``/``, ``!`` or ``?`` (a tag, comment or processing instruction), and
``javascript:``
or ``data:`` URL schemes, are rejected with a 422 problem naming the field. A lone ``<`` or ``>`` (``< 5
m``) is
fine. Control characters are refused too (line breaks and tabs are allowed in long texts). Whatever is stored
is returned verbatim as JSON strings, served as ``application/json`` with ``nosniff`` and a ``default-src
'none'``
CSP, so clients must (and browsers will) treat it as inert text.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, model_validator

from pb.core.schemas import Input

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


def _plain(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    if _MARKUP.search(value):
        raise ValueError("must be plain text: HTML tags and script URLs are not accepted")
    return value


def _plain_line(value: str) -> str:
    if _CONTROL_IN_LINE.search(value):
        raise ValueError("must be a single line without control characters")
    return _plain(value)


Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_plain_line)
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), AfterValidator(_plain_line)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000), AfterValidator(_plain)
]
Message = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000), AfterValidator(_plain)
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1_000), AfterValidator(_plain)
]
Theme = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=64)]


class Texts(Input):
    """A title or text in the languages its author wrote it in (at least one of fi, sv, en)."""

    fi: LongText | None = None
    sv: LongText | None = None
    en: LongText | None = None

    @model_validator(mode="after")
    def _one_language(self) -> Texts:
        if not self.as_dict():
            raise ValueError("write it in at least one of fi, sv, en")
        return self

    def as_dict(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class Titles(Texts):
    fi: Title | None = None
    sv: Title | None = None
    en: Title | None = None
