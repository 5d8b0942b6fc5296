"""Data for tests, created through the services so it obeys the same rules as real data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from pb.core.db import create_sessionmaker
from pb.core.models import Budget, Network
from pb.demo.tuusula import DEMO_ACTOR, load_tuusula
from pb.municipalities.schemas import MunicipalityCreate
from pb.municipalities.service import create_municipality
from pb.projects.schemas import ProjectCreate
from pb.projects.service import add_project

BALLOT_COSTS = {"A": 100_000, "B": 120_000, "C": 60_000}
"""The projects ``stock_ballots`` puts on every budget: each fits the demo budgets' 250,000-cent amount and cap."""


@dataclass(frozen=True)
class DemoWorld:
    """The demo's Tuusula round, plus another municipality to test tenant boundaries."""

    municipality_id: int
    round_id: int
    network_ids: dict[str, int]
    budget_ids: dict[str, int]
    other_municipality_id: int


async def demo_world(engine: AsyncEngine, *, now: datetime) -> DemoWorld:
    async with create_sessionmaker(engine)() as session, session.begin():
        budget_round = await load_tuusula(session, now=now)
        other = await create_municipality(
            session,
            data=MunicipalityCreate.model_validate(
                {
                    "slug": "jarvenpaa",
                    "code": "186",
                    "name": {"fi": "Järvenpää", "sv": "Träskända"},
                    "languages": ["fi"],
                }
            ),
            actor=DEMO_ACTOR,
            now=now,
        )
        networks = (
            await session.exec(select(Network).where(Network.municipality_id == budget_round.municipality_id))
        ).all()
        budgets = (await session.exec(select(Budget).where(Budget.round_id == budget_round.id))).all()
        assert budget_round.id is not None and other.id is not None
        return DemoWorld(
            municipality_id=budget_round.municipality_id,
            round_id=budget_round.id,
            network_ids={n.slug: n.id for n in networks if n.id is not None},
            budget_ids={b.slug: b.id for b in budgets if b.id is not None},
            other_municipality_id=other.id,
        )


async def stock_ballots(engine: AsyncEngine, world: DemoWorld, *, now: datetime) -> None:
    """Put projects on every ballot of the demo round, so that it is ready for voting to open."""
    async with create_sessionmaker(engine)() as session, session.begin():
        for budget_id in world.budget_ids.values():
            for code, cost in BALLOT_COSTS.items():
                await add_project(session, budget_id=budget_id, data=ProjectCreate.model_validate(
                    {"code": code, "title": {"fi": f"Hanke {code}"}, "cost": cost}), actor=DEMO_ACTOR, now=now)
