"""Write an instance and profile as a Pabulib ``.pb`` file, in the layout the official checker expects.

The inverse of ``ballots.pabulib.parse_pabulib``: META as given (with the keys Pabulib requires made to
match the data), projects and votes with their extra columns in Pabulib's recommended order, and amounts
written exactly as decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from fractions import Fraction

from ballots.instance import Instance, Money
from ballots.pabulib import POINT_TYPES
from ballots.profile import Profile

# The column orders the official checker (pabulib/checker, pabulib_helpers.fields) recommends.
PROJECT_COLUMNS = (
    "votes", "score", "name", "category", "beneficiaries", "selected", "neighborhood", "subunit", "district",
    "description", "proposer", "public_id", "latitude", "longitude",
)  # fmt: skip
VOTER_COLUMNS = ("points", "age", "sex", "voting_method", "district", "neighborhood", "education")


def format_money(amount: Money) -> str:
    """Write an amount as Pabulib does (``1500000``, ``827838.5``); refuse one with no finite decimal form."""
    if amount.denominator == 1:
        return str(amount.numerator)
    denominator, digits = amount.denominator, 0
    while denominator % 10 == 0 or denominator % 2 == 0 or denominator % 5 == 0:
        scale = 10 if denominator % 10 == 0 else 2 if denominator % 2 == 0 else 5
        denominator //= scale
        digits += 1
    if denominator != 1:
        raise ValueError(f"{amount} has no finite decimal form")
    scaled = amount * 10**digits
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")


def _meta_out(instance: Instance, profile: Profile) -> dict[str, str]:
    """META as given, with the keys Pabulib requires added or corrected to match the data."""
    meta = dict(instance.meta)
    required = {
        "num_projects": str(len(instance.projects)),
        "num_votes": str(len(profile.ballots)),
        "budget": format_money(instance.budget),
        "vote_type": profile.vote_type,
    }
    for key, value in required.items():
        if key == "budget" and key in meta and _same_amount(meta[key], instance.budget):
            continue  # keeps "400000.0" verbatim
        meta[key] = value
    return meta


def _same_amount(text: str, amount: Money) -> bool:
    try:
        return Fraction(text.strip()) == amount
    except (ValueError, ZeroDivisionError):
        return False


def _columns(maps: Iterator[Mapping[str, str]]) -> list[str]:
    columns: dict[str, None] = {}
    for mapping in maps:
        columns.update(dict.fromkeys(mapping))
    return list(columns)


def _pabulib_order(columns: list[str], known: tuple[str, ...]) -> list[str]:
    """Known columns in the order Pabulib's checker expects, then the others as given."""
    rank = {c: i for i, c in enumerate(known)}
    return sorted(columns, key=lambda c: (rank.get(c, len(known)), columns.index(c)))


def format_pabulib(instance: Instance, profile: Profile) -> str:
    """Write an instance and profile as the text of a ``.pb`` file (LF line ends)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta_out(instance, profile).items())
    writer.writerow(["PROJECTS"])
    attributes = _columns(p.attributes for p in instance.projects)
    if any(p.name for p in instance.projects):
        attributes.append("name")
    columns = _pabulib_order([a for a in attributes if a not in ("project_id", "cost")], PROJECT_COLUMNS)
    writer.writerow(["project_id", "cost", *columns])
    for p in instance.projects:
        cells = [p.name if a == "name" else p.attributes.get(a, "") for a in columns]
        writer.writerow([p.id, format_money(p.cost), *cells])
    writer.writerow(["VOTES"])
    with_points = profile.vote_type in POINT_TYPES
    metadata = [c for c in _columns(b.metadata for b in profile.ballots) if c not in ("voter_id", "vote")]
    metadata = _pabulib_order(metadata, VOTER_COLUMNS)
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *metadata])
    for b in profile.ballots:
        points = [",".join(map(str, b.points))] if with_points else []
        writer.writerow(
            [b.voter_id, ",".join(b.choices), *points, *(b.metadata.get(c, "") for c in metadata)]
        )
    return out.getvalue()
