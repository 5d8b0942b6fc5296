"""Finding proposals: filters, full-text search in Finnish, Swedish and English, pagination.

PostgreSQL searches each language's text with its own configuration (``finnish``, ``swedish``,
``english``), so
inflected forms match: "leikkipuisto" finds "leikkipuistoon". The expressions below are the ones the migration
indexes (GIN), so the indexes are used. SQLite (the embedded default) has no stemmers for these languages:
its FTS5
table matches every word of the query as a *prefix* ("leikkipuisto" finds "leikkipuistoon" and
"leikkipuistot",
but "puisto" does not find "leikkipuisto" and a stem change such as "katu"/"kadun" is not found).
Hidden proposals are never listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from pb.errors import InvalidInput
from pb.proposals.models import Proposal, ProposalStatus
from pb.schemas import Language

CONFIGS: dict[str, str] = {"fi": "finnish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY = 200
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProposalFilter:
    round_id: int | None = None
    budget_id: int | None = None
    network_id: int | None = None
    theme: str | None = None
    status: ProposalStatus | None = None
    bbox: tuple[float, float, float, float] | None = None
    """min_lat, min_lon, max_lat, max_lon."""
    q: str | None = None
    lang: Language | None = None


def bounding_box(
    min_lat: float | None, min_lon: float | None, max_lat: float | None, max_lon: float | None
) -> tuple[float, float, float, float] | None:
    """A map area from its corners: all four or none."""
    if min_lat is None and min_lon is None and max_lat is None and max_lon is None:
        return None
    if min_lat is None or min_lon is None or max_lat is None or max_lon is None:
        raise InvalidInput("a map area needs min_lat, min_lon, max_lat and max_lon", field="min_lat")
    if min_lat > max_lat or min_lon > max_lon:
        raise InvalidInput("the area's minimum corner is beyond its maximum", field="min_lat")
    return min_lat, min_lon, max_lat, max_lon


async def find(
    session: AsyncSession, *, where: ProposalFilter, limit: int, offset: int
) -> tuple[Sequence[Proposal], int]:
    """A page of matching proposals, newest first, and how many match in all."""
    query = _filtered(select(Proposal), where, session.bind.dialect.name if session.bind else "sqlite")
    total_query = _filtered(
        select(func.count()).select_from(Proposal),
        where,
        session.bind.dialect.name if session.bind else "sqlite",
    )
    rows = (await session.exec(query.order_by(col(Proposal.id).desc()).limit(limit).offset(offset))).all()
    return rows, (await session.exec(total_query)).one()


def _filtered(query: SelectOfScalar[T], where: ProposalFilter, dialect: str) -> SelectOfScalar[T]:
    query = query.where(col(Proposal.hidden_at).is_(None))
    if where.round_id is not None:
        query = query.where(Proposal.round_id == where.round_id)
    if where.budget_id is not None:
        query = query.where(Proposal.budget_id == where.budget_id)
    if where.network_id is not None:
        query = query.where(Proposal.network_id == where.network_id)
    if where.theme is not None:
        query = query.where(Proposal.theme == where.theme)
    if where.status is not None:
        query = query.where(Proposal.status == where.status.value)
    if where.bbox is not None:
        min_lat, min_lon, max_lat, max_lon = where.bbox
        query = query.where(
            col(Proposal.lat).between(min_lat, max_lat), col(Proposal.lon).between(min_lon, max_lon)
        )
    if where.q is not None:
        query = query.where(_matches(where.q, where.lang, dialect))
    return query


def _matches(q: str, lang: Language | None, dialect: str) -> sa.ColumnElement[bool]:
    words = _WORD.findall(q)
    if not words or len(q) > MAX_QUERY:
        raise InvalidInput(f"search for up to {MAX_QUERY} characters of words", field="q")
    languages = [lang] if lang else list(CONFIGS)
    if dialect == "postgresql":
        clauses = [
            sa.text(
                f"{_pg_document(language)} @@ plainto_tsquery('{CONFIGS[language]}', :q_{language})"
            ).bindparams(**{f"q_{language}": " ".join(words)})
            for language in languages
        ]
        return sa.or_(*clauses)
    prefixes = " ".join(f'"{word}"*' for word in words)
    match = f"{{{' '.join(languages)}}} : ({prefixes})"
    fts = sa.text("SELECT rowid FROM proposal_fts WHERE proposal_fts MATCH :match").bindparams(match=match)
    return col(Proposal.id).in_(fts.columns(sa.column("rowid", sa.Integer)))


def _pg_document(language: str) -> str:
    """Exactly the indexed expression of the migration."""
    return (
        f"to_tsvector('{CONFIGS[language]}', coalesce(proposal.title->>'{language}', '') || ' ' || "
        f"coalesce(proposal.description->>'{language}', ''))"
    )
