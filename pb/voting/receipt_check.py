"""A receipt checked against a municipality's published boards: the ballot with its projects' names, or why not.

The board answers the same for a mistyped receipt, one not published yet and one a revote replaced
(:func:`pb.voting.board.published_ballot`, B2); this only adds what a person needs to read the ballot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import NotFound
from pb.core.models import BallotProject, Budget, BudgetRound, Municipality
from pb.voting.board import published_ballot
from pb.voting.receipts import Selections, stored_selections


@dataclass(frozen=True, slots=True)
class PublishedReceipt:
    receipt: str
    budget: Budget
    round: BudgetRound
    selections: Selections
    titles: dict[str, dict[str, str]]
    """Project titles by code."""


async def published_receipt(
    session: AsyncSession, *, municipality: Municipality, receipt: str
) -> PublishedReceipt:
    """The published ballot with this receipt in one of the municipality's budgets; NotFound otherwise."""
    ballot = await published_ballot(session, receipt=receipt)
    budget = await session.get(Budget, ballot.budget_id)
    budget_round = await session.get(BudgetRound, budget.round_id) if budget is not None else None
    if budget is None or budget_round is None or budget_round.municipality_id != municipality.id:
        raise NotFound("no ballot on this municipality's published boards has this receipt", field="receipt")
    projects = (await session.exec(select(BallotProject).where(BallotProject.budget_id == budget.id))).all()
    return PublishedReceipt(
        ballot.receipt, budget, budget_round, stored_selections(ballot.selections), {p.code: p.title for p in projects}
    )
