"""Finding proposals: filters, full-text search in Finnish, Swedish and English, pagination.

PostgreSQL searches each language's text with its own configuration (``finnish``, ``swedish``,
``english``), so
inflected forms match: "leikkipuisto" finds "leikkipuistoon". The expressions below are the ones the migration
indexes (GIN), so the indexes are used. SQLite (the embedded default) has no stemmers for these languages:
its FTS5
table matches every word of the query as a *prefix* ("leikkipuisto" finds "leikkipuistoon" and
"leikkipuistot",
but "puisto" does not find "leikkipuisto" and a stem change such as "katu"/"kadun" is not found).
Hidden proposals are never listed. Results are ranked by relevance when searching for words: ``ts_rank`` on
PostgreSQL, FTS5's ``bm25`` on SQLite; newest first otherwise and among equally relevant proposals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from pb.core.errors import InvalidInput
from pb.core.schemas import Language
from pb.proposals.models import Proposal, ProposalStatus, ProposalSupport
from pb.proposals.text import theme_key

CONFIGS: dict[str, str] = {"fi": "finnish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY = 200
T = TypeVar("T")


class ProposalSort(StrEnum):
    """The order of a result page; ``relevance`` is newest first when no words are searched for."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    SUPPORTS = "supports"


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
    corners = {"min_lat": min_lat, "min_lon": min_lon, "max_lat": max_lat, "max_lon": max_lon}
    if min_lat is None or min_lon is None or max_lat is None or max_lon is None:
        missing = [name for name, value in corners.items() if value is None]
        raise InvalidInput("a map area needs min_lat, min_lon, max_lat and max_lon", field=missing[0],
                           fields=[*missing, *(name for name in corners if name not in missing)])
    if min_lat > max_lat or min_lon > max_lon:
        fields = ["min_lat", "max_lat"] if min_lat > max_lat else ["min_lon", "max_lon"]
        raise InvalidInput("the area's minimum corner is beyond its maximum", field=fields[0], fields=fields)
    return min_lat, min_lon, max_lat, max_lon


async def find(
    session: AsyncSession, *, where: ProposalFilter, limit: int, offset: int,
    sort: ProposalSort = ProposalSort.RELEVANCE,
) -> tuple[Sequence[Proposal], int]:
    """A page of matching proposals and how many match in all, in ``sort``'s order: by default best match first
    when searching for words (newest first among equals), newest first otherwise. Ties go newest first."""
    query = _filtered(select(Proposal), where)
    total_query = _filtered(select(func.count()).select_from(Proposal), where)
    order: list[sa.ColumnElement[Any]] = [col(Proposal.id).asc() if sort is ProposalSort.OLDEST
                                          else col(Proposal.id).desc()]
    if where.q is not None:
        text_search = _text_search(where.q, where.lang, session.bind.dialect.name if session.bind else "sqlite")
        query, total_query = text_search.apply(query), text_search.apply(total_query)
        if sort is ProposalSort.RELEVANCE:
            order.insert(0, text_search.relevance.desc())
    if sort is ProposalSort.SUPPORTS:
        counts = (
            select(col(ProposalSupport.proposal_id).label("proposal_id"), func.count().label("supports"))
            .group_by(col(ProposalSupport.proposal_id))
            .subquery("support_counts")
        )
        query = query.outerjoin(counts, counts.c.proposal_id == col(Proposal.id))
        order.insert(0, func.coalesce(counts.c.supports, 0).desc())
    rows = (await session.exec(query.order_by(*order).limit(limit).offset(offset))).all()
    return rows, (await session.exec(total_query)).one()


def _filtered(query: SelectOfScalar[T], where: ProposalFilter) -> SelectOfScalar[T]:
    query = query.where(col(Proposal.hidden_at).is_(None))
    if where.round_id is not None:
        query = query.where(Proposal.round_id == where.round_id)
    if where.budget_id is not None:
        query = query.where(Proposal.budget_id == where.budget_id)
    if where.network_id is not None:
        query = query.where(Proposal.network_id == where.network_id)
    if where.theme is not None:
        query = query.where(Proposal.theme == theme_key(where.theme))
    if where.status is not None:
        query = query.where(Proposal.status == where.status.value)
    if where.bbox is not None:
        min_lat, min_lon, max_lat, max_lon = where.bbox
        query = query.where(
            col(Proposal.lat).between(min_lat, max_lat), col(Proposal.lon).between(min_lon, max_lon)
        )
    return query


@dataclass(frozen=True, slots=True)
class _TextSearch:
    """How a query narrows the proposals, and how well each matches (higher is better)."""

    condition: sa.ColumnElement[bool] | None
    """A WHERE clause (PostgreSQL), or ``None`` when ``join`` does the narrowing (SQLite)."""
    join: sa.Subquery | None
    relevance: sa.ColumnElement[float]

    def apply(self, query: SelectOfScalar[T]) -> SelectOfScalar[T]:
        if self.join is not None:
            query = query.join(self.join, self.join.c.rowid == col(Proposal.id))
        return query if self.condition is None else query.where(self.condition)


def _text_search(q: str, lang: Language | None, dialect: str) -> _TextSearch:
    """PostgreSQL: each language's stemmed document against the query, ranked by ``ts_rank`` (the best of the
    languages). SQLite: the words as prefixes in the FTS5 table, ranked by ``bm25`` (lower is better there,
    hence negated)."""
    words = _WORD.findall(q)
    if not words or len(q) > MAX_QUERY:
        raise InvalidInput("search for up to %(MAX_QUERY)s characters of words", field="q", MAX_QUERY=MAX_QUERY)
    languages = [lang] if lang else list(CONFIGS)
    if dialect == "postgresql":
        pairs: list[tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]] = [
            (
                sa.literal_column(_pg_document(language)),
                func.plainto_tsquery(sa.literal_column(f"'{CONFIGS[language]}'"), " ".join(words)),
            )
            for language in languages
        ]
        ranks = [func.ts_rank(document, query) for document, query in pairs]
        return _TextSearch(
            condition=sa.or_(*(document.op("@@")(query) for document, query in pairs)),
            join=None,
            relevance=(func.greatest(*ranks) if len(ranks) > 1 else ranks[0]).cast(sa.Float),
        )
    prefixes = " ".join(f'"{word}"*' for word in words)
    match = f"{{{' '.join(languages)}}} : ({prefixes})"
    fts = (
        sa.text("SELECT rowid, bm25(proposal_fts) AS score FROM proposal_fts WHERE proposal_fts MATCH :match")
        .bindparams(match=match)
        .columns(sa.column("rowid", sa.Integer), sa.column("score", sa.Float))
        .subquery("fts")
    )
    return _TextSearch(condition=None, join=fts, relevance=-fts.c.score)


def _pg_document(language: str) -> str:
    """Exactly the indexed expression of the migration."""
    return (
        f"to_tsvector('{CONFIGS[language]}', coalesce(proposal.title->>'{language}', '') || ' ' || "
        f"coalesce(proposal.description->>'{language}', ''))"
    )
