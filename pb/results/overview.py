"""What results pages list besides one budget's outcome: a municipality's rounds with published results, which
budgets of a round are published, and each funded project's latest progress report."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import list_budgets
from pb.core.models import BallotProject, Budget, BudgetRound
from pb.results.models import BudgetResult, ImplementationUpdate, ResultStatus


async def rounds_with_results(session: AsyncSession, *, municipality_id: int) -> Sequence[BudgetRound]:
    """The municipality's rounds with at least one published budget, newest first."""
    published = select(BudgetResult.round_id).where(BudgetResult.status == ResultStatus.PUBLISHED.value)
    query = (
        select(BudgetRound)
        .where(BudgetRound.municipality_id == municipality_id, col(BudgetRound.id).in_(published))
        .order_by(col(BudgetRound.year).desc(), col(BudgetRound.id).desc())
    )
    return (await session.exec(query)).all()


async def published_budgets(session: AsyncSession, *, round_id: int) -> list[tuple[Budget, bool]]:
    """The round's budgets, each with whether its result is published."""
    budgets: Sequence[Budget] = await list_budgets(session, round_id=round_id)
    published = set(
        (
            await session.exec(
                select(BudgetResult.budget_id).where(
                    BudgetResult.round_id == round_id, BudgetResult.status == ResultStatus.PUBLISHED.value
                )
            )
        ).all()
    )
    return [(b, b.id in published) for b in budgets]


async def latest_progress(session: AsyncSession, *, budget_id: int) -> dict[str, ImplementationUpdate]:
    """Project code -> its newest progress report, for the budget's projects that have one."""
    rows = (
        await session.exec(
            select(BallotProject.code, ImplementationUpdate)
            .join(ImplementationUpdate, col(ImplementationUpdate.project_id) == col(BallotProject.id))
            .where(BallotProject.budget_id == budget_id)
            .order_by(col(ImplementationUpdate.id))
        )
    ).all()
    return {code: update for code, update in rows}
