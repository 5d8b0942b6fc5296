"""A database whose demo was loaded before the 2026 round was part of it gets that round on the next load."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.core.db import create_sessionmaker
from pb.core.models import BudgetRound, Phase
from pb.core.settings import Settings
from pb.demo.loader import HISTORY_DAYS, load_demo
from pb.demo.round_2027 import load_round_2027
from pb.demo.tuusula import load_municipality
from tests.conftest import Clock


async def test_the_published_round_is_added_to_an_earlier_demo_and_the_open_one_stays(
    engine: AsyncEngine, settings: Settings, clock: Clock
) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        municipality = await load_municipality(session, now=clock() - timedelta(days=HISTORY_DAYS))
        earlier = await load_round_2027(session, municipality, settings, now=clock())

    async with create_sessionmaker(engine)() as session, session.begin():
        again = await load_demo(session, settings=settings, now=clock.advance(days=2))
    async with create_sessionmaker(engine)() as session:
        rounds = (await session.exec(select(BudgetRound).order_by(col(BudgetRound.year)))).all()

    assert again.id == earlier.id
    assert [(r.slug, r.phase) for r in rounds] == [("tuusula-2026", Phase.IMPLEMENTATION.value),
                                                   ("tuusula-2027", Phase.VOTING.value)]
