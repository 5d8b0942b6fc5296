"""Rounds move along their phase plan by themselves, forward only, each move logged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from pb.core.db import create_sessionmaker
from pb.core.models import BudgetRound, PhaseTransition
from pb.lifecycle.phases import advance_by_schedule
from tests.factories import DemoWorld, stock_ballots


async def _advance(engine: AsyncEngine, now: datetime) -> list[str]:
    async with create_sessionmaker(engine)() as session, session.begin():
        return [phase.value for _, phase in await advance_by_schedule(session, now=now)]


async def _round(engine: AsyncEngine, round_id: int) -> BudgetRound:
    async with create_sessionmaker(engine)() as session:
        found = await session.get(BudgetRound, round_id)
        assert found is not None
        return found


async def test_nothing_moves_before_the_first_window(engine: AsyncEngine, world: DemoWorld) -> None:
    assert await _advance(engine, datetime(2027, 1, 31, tzinfo=UTC)) == []


async def test_due_phases_are_entered_in_order_and_voting_freezes(engine: AsyncEngine, world: DemoWorld) -> None:
    await stock_ballots(engine, world, now=datetime(2027, 1, 15, tzinfo=UTC))
    assert await _advance(engine, datetime(2027, 2, 2, tzinfo=UTC)) == ["proposals"]
    assert await _advance(engine, datetime(2027, 9, 2, tzinfo=UTC)) == ["deliberation", "voting"]
    assert await _advance(engine, datetime(2027, 9, 3, tzinfo=UTC)) == []

    budget_round = await _round(engine, world.round_id)
    assert budget_round.phase == "voting"
    assert budget_round.config_hash is not None
    async with create_sessionmaker(engine)() as session:
        log = (await session.exec(select(PhaseTransition).where(PhaseTransition.round_id == world.round_id))).all()
    assert [(t.to_phase, t.trigger) for t in log] == [
        ("proposals", "schedule"), ("deliberation", "schedule"), ("voting", "schedule")]


async def test_a_round_without_budgets_stops_before_voting(engine: AsyncEngine, world: DemoWorld) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        budget_round = await session.get(BudgetRound, world.round_id)
        assert budget_round is not None
        from pb.core.models import BallotProject, Budget

        for project in (await session.exec(select(BallotProject))).all():
            await session.delete(project)
        for budget in (await session.exec(select(Budget))).all():
            await session.delete(budget)

    assert await _advance(engine, datetime(2027, 9, 2, tzinfo=UTC)) == ["proposals", "deliberation"]
    assert (await _round(engine, world.round_id)).phase == "deliberation"
