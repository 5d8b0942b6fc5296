"""Bodies of the voting API. Nothing here carries a voter key or identity next to ballot content (B4).

The receipt bodies are msgspec Structs rather than pydantic models: Litestar encodes them natively, which keeps
the cast's answer as cheap as encoding a plain dict (pydantic's encoding costs the cast about 6 us more).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from pydantic import Discriminator, Field, StrictInt, StrictStr, StringConstraints, Tag

from pb.core.models import BallotFormat
from pb.core.schemas import Input, Output

MAX_SELECTIONS = 1000

ProjectCode = Annotated[StrictStr, StringConstraints(min_length=1, max_length=32)]
Points = Annotated[StrictInt, Field(ge=-1_000_000, le=1_000_000)]
Nonce = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,128}$")]
Hash = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def _selections_kind(value: Any) -> str | None:
    return "codes" if isinstance(value, list) else "points" if isinstance(value, dict) else None


# Told apart by the JSON type, so a wrong value inside is reported as itself ("a valid integer" for 1.5 points),
# not as the failure of the other kind ("a valid list").
Selections = Annotated[
    Annotated[Annotated[list[ProjectCode], Field(max_length=MAX_SELECTIONS)], Tag("codes")]
    | Annotated[Annotated[dict[ProjectCode, Points], Field(max_length=MAX_SELECTIONS)], Tag("points")],
    Discriminator(
        _selections_kind,
        custom_error_type="selections_type",
        custom_error_message="Input should be a list of project codes or an object of points by project code",
    ),
]


class BallotCast(Input):
    """A ballot: project codes (approval, knapsack), best first (ranked) or {code: points} (cumulative)."""

    selections: Selections
    config_hash: Hash
    """The round's configuration hash the ballot was made against (GET /rounds/{id})."""
    nonce: Nonce | None = None
    """Chosen by the client so it can compute its receipt itself; the server picks one when absent."""


class BallotContent(msgspec.Struct, frozen=True, kw_only=True):
    budget_id: int
    config_hash: str
    selections: list[str] | dict[str, int]


class CastReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """``receipt = sha256(nonce || canonical ballot)``; see docs/security.md."""

    receipt: str
    nonce: str
    ballot: BallotContent


class MyBudget(Output):
    budget_id: int
    slug: str
    name: dict[str, str]
    ballot_format: BallotFormat
    eligible: bool
    reason: str | None
    message: str | None
    voted: bool
    """Whether a ballot of yours counts in this budget (never which one)."""


class BoardEntry(Output):
    receipt: str
    selections: list[str] | dict[str, int]


class Board(Output):
    budget_id: int
    round_id: int
    config_hash: str
    ballot_count: int
    set_hash: str
    """SHA-256 over the entries in receipt order; see docs/security.md for the exact form."""
    ballots: list[BoardEntry]


class ReceiptLookup(msgspec.Struct, frozen=True, kw_only=True):
    """A published ballot found by its receipt: content only, never who cast it or when."""

    receipt: str
    ballot: BallotContent


class ReceiptQuery(Input):
    """A receipt to look up on the board, as the receipt check page's form sends it."""

    receipt: Hash
