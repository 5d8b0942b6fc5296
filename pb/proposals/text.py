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
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from pb.core.schemas import Input, disagreement

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
THEME_FORMAT = "a theme is words of letters or digits in any language, joined by hyphens (eläimet, lasten-puistot)"


def theme_key(value: str) -> str:
    """The one stored form of a theme: NFC, lower case (``Ela\u0308imet`` and ``eläimet`` are one theme)."""
    return unicodedata.normalize("NFC", value).lower()


def _word(part: str) -> bool:
    # Letters, digits and the combining marks many scripts write letters with (Devanagari's vowel signs), never
    # starting with a mark; a word character of Python's ``re`` would also take "_".
    return bool(part) and unicodedata.category(part[0])[0] in "LN" and all(
        unicodedata.category(c)[0] in "LMN" for c in part
    )


def _theme(value: str) -> str:
    key = theme_key(value)
    if not all(_word(part) for part in key.split("-")):
        # The pattern-mismatch type, so forms keep their message for it.
        raise PydanticCustomError("string_pattern_mismatch", THEME_FORMAT)
    return key


Theme = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_theme)]
"""A proposal's theme, in whatever language residents name it: not an ASCII pattern, which refused "eläimet"."""


class Texts(Input):
    """A title or text in the languages its author wrote it in (at least one of fi, sv, en)."""

    fi: LongText | None = None
    sv: LongText | None = None
    en: LongText | None = None

    @model_validator(mode="after")
    def _one_language(self) -> Texts:
        if not self.as_dict():
            raise disagreement("write it in at least one of fi, sv, en", "fi", "sv", "en")
        return self

    def as_dict(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class Titles(Texts):
    fi: Title | None = None
    sv: Title | None = None
    en: Title | None = None
