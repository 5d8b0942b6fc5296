"""The bulletin board: when voting closes, every counted ballot is published with a hash over the whole set.

Entries are listed in receipt order, never cast order, and carry no time. On PostgreSQL the close also
rewrites the ballot table in random order, so its physical order and row versions no longer follow the
casts (S1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.core.errors import NotFound
from pb.core.models import Budget, BudgetRound
from pb.voting.errors import ReconciliationFailed
from pb.voting.models import Ballot, BoardPublication, Participation
from pb.voting.receipts import canonical_ballot, set_hash, stored_selections


async def close_voting(
    session: AsyncSession, *, budget_round: BudgetRound, actor: str, now: datetime
) -> None:
    """Reconcile and publish each budget's ballots; 409 when participations and ballots disagree (E5)."""
    assert budget_round.id is not None
    budget_ids = list(
        (
            await session.exec(
                select(Budget.id).where(Budget.round_id == budget_round.id).order_by(col(Budget.id))
            )
        ).all()
    )
    published: dict[str, dict[str, object]] = {}
    for budget_id in budget_ids:
        assert budget_id is not None
        publication = await _publish(session, budget_round, budget_id, now)
        published[str(budget_id)] = {"ballots": publication.ballot_count, "set_hash": publication.set_hash}
    if session.get_bind().dialect.name == "postgresql" and budget_ids:
        await _shuffle(session, budget_round.id, [b for b in budget_ids if b is not None])
    await audit.record(
        session,
        actor=actor,
        action="board.publish",
        target=f"round:{budget_round.id}",
        now=now,
        details={"budgets": published},
    )


async def _publish(
    session: AsyncSession, budget_round: BudgetRound, budget_id: int, now: datetime
) -> BoardPublication:
    participations = (
        await session.exec(
            select(func.count()).select_from(Participation).where(Participation.budget_id == budget_id)
        )
    ).one()
    ballots = (await session.exec(select(Ballot).where(Ballot.budget_id == budget_id))).all()
    if participations != len(ballots):
        raise ReconciliationFailed(
            "budget %(budget_id)s has %(participations)s participations but %(ballots)s ballots; voting cannot "
            "close until this is explained",
            budget_id=budget_id, participations=participations, ballots=len(ballots),
        )
    entries = [
        (
            b.receipt,
            canonical_ballot(
                budget_id=budget_id, config_hash=b.config_hash, selections=stored_selections(b.selections)
            ),
        )
        for b in ballots
    ]
    publication = BoardPublication(
        budget_id=budget_id,
        round_id=budget_round.id or 0,
        config_hash=budget_round.config_hash or "",
        ballot_count=len(entries),
        set_hash=set_hash(entries),
        published_at=now,
    )
    session.add(publication)
    await session.flush()
    return publication


async def _shuffle(session: AsyncSession, round_id: int, budget_ids: list[int]) -> None:
    """Rewrite the round's ballots in random physical order, all under this transaction's id."""
    scratch = f"ballot_shuffle_{int(round_id)}"
    ids = {"ids": budget_ids}
    connection = await session.connection()
    await connection.execute(
        text(f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "  # noqa: S608 (an int, not input)
             "SELECT * FROM ballot WHERE budget_id = ANY(:ids)"),
        ids,
    )
    await connection.execute(text("DELETE FROM ballot WHERE budget_id = ANY(:ids)"), ids)
    await connection.execute(text(f"INSERT INTO ballot SELECT * FROM {scratch} ORDER BY random()"))  # noqa: S608


async def board(session: AsyncSession, *, budget_id: int) -> tuple[BoardPublication, Sequence[Ballot]]:
    """A budget's published ballots in receipt order; 404 until voting has closed."""
    publication = await session.get(BoardPublication, budget_id)
    if publication is None:
        raise NotFound(
            "budget %(budget_id)s has no published ballots (they are published when voting closes)",
            budget_id=budget_id,
        )
    ballots = (
        await session.exec(select(Ballot).where(Ballot.budget_id == budget_id).order_by(col(Ballot.receipt)))
    ).all()
    return publication, ballots


async def published_ballot(session: AsyncSession, *, receipt: str) -> Ballot:
    """The published ballot with this receipt; the same 404 whether it is absent or not yet published (B2)."""
    query = (
        select(Ballot)
        .join(BoardPublication, col(BoardPublication.budget_id) == col(Ballot.budget_id))
        .where(Ballot.receipt == receipt)
    )
    ballot = (await session.exec(query)).first()
    if ballot is None:
        # One answer for every cause, so a receipt that a revote replaced looks like any unknown one (B2).
        raise NotFound(
            "No ballot on the published board has this receipt. It may be mistyped, voting may not have closed "
            "yet (the board is published then), or a later vote replaced that ballot: only each voter's latest "
            "ballot counts and is published.", field="receipt",
        )
    return ballot
