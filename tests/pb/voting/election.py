"""A demo round with ballots of every format, opened for voting: what the voting tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import func, select

from pb.budgets.schemas import BudgetCreate
from pb.budgets.service import create_budget
from pb.core.db import create_sessionmaker
from pb.core.models import BallotFormat, Phase
from pb.demo.tuusula import DEMO_ACTOR
from pb.lifecycle.phases import transition
from pb.projects.schemas import ProjectCreate
from pb.projects.service import add_project
from pb.rounds.schemas import RoundUpdate
from pb.rounds.service import get_round, update_round
from pb.voting.models import Ballot, Participation
from tests.conftest import Clock
from tests.factories import DemoWorld

COSTS = {"A": 100_000, "B": 120_000, "C": 60_000, "D": 200_000}
"""Each budget's projects; the knapsack budgets' cap is their amount, 250,000 cents."""


@dataclass(frozen=True)
class Election:
    round_id: int
    config_hash: str
    budgets: dict[str, int]
    """hyryla (regional knapsack), luonto-ja-liikunta (theme approval, max 3), kunta (municipality-wide
    cumulative: 1..5 points a project, 10 in all), ranked (municipality-wide ranked, at most 3)."""


async def open_voting(
    engine: AsyncEngine, clock: Clock, world: DemoWorld, *, allow_revoting: bool = True
) -> Election:
    """Put projects on every ballot, add a cumulative and a ranked budget, and open voting."""
    now = clock()
    async with create_sessionmaker(engine)() as session, session.begin():
        extra = {
            "kunta": BudgetCreate(slug="kunta", name={"fi": "Koko kunta"}, amount=500_000,
                                  ballot_format=BallotFormat.CUMULATIVE, max_points_per_project=5,
                                  max_total_points=10),
            "ranked": BudgetCreate(slug="ranked", name={"fi": "Järjestys"}, amount=500_000,
                                   ballot_format=BallotFormat.RANKED, max_selections=3, rule="greedy"),
        }
        budgets = dict(world.budget_ids)
        for slug, data in extra.items():
            budget = await create_budget(session, round_id=world.round_id, data=data, actor=DEMO_ACTOR, now=now)
            assert budget.id is not None
            budgets[slug] = budget.id
        for budget_id in budgets.values():
            for code, cost in COSTS.items():
                await add_project(session, budget_id=budget_id, data=ProjectCreate.model_validate(
                    {"code": code, "title": {"fi": f"Hanke {code}"}, "cost": cost}), actor=DEMO_ACTOR, now=now)
        if not allow_revoting:
            await update_round(session, round_id=world.round_id, data=RoundUpdate(allow_revoting=False),
                               actor=DEMO_ACTOR, now=now)
        for phase in (Phase.PROPOSALS, Phase.DELIBERATION, Phase.VOTING):
            await transition(session, round_id=world.round_id, to=phase, actor=DEMO_ACTOR, now=now)
        budget_round = await get_round(session, world.round_id)
        assert budget_round.config_hash is not None
        return Election(world.round_id, budget_round.config_hash, budgets)


async def close_voting(engine: AsyncEngine, clock: Clock, election: Election) -> None:
    async with create_sessionmaker(engine)() as session, session.begin():
        await transition(session, round_id=election.round_id, to=Phase.TALLYING, actor=DEMO_ACTOR, now=clock())


async def counts(engine: AsyncEngine, budget_id: int | None = None) -> tuple[int, int]:
    """(participations, ballots), of one budget or all."""
    async with create_sessionmaker(engine)() as session:
        queries = [select(func.count()).select_from(Participation), select(func.count()).select_from(Ballot)]
        if budget_id is not None:
            queries = [queries[0].where(Participation.budget_id == budget_id),
                       queries[1].where(Ballot.budget_id == budget_id)]
        return (await session.exec(queries[0])).one(), (await session.exec(queries[1])).one()


async def cast(
    client: httpx.AsyncClient, election: Election, budget: str, selections: Any, headers: dict[str, str],
    **extra: Any,
) -> httpx.Response:
    idempotency_key = extra.pop("idempotency_key", None)
    if idempotency_key is not None:
        headers = {**headers, "Idempotency-Key": idempotency_key}
    body = {"selections": selections, "config_hash": election.config_hash, **extra}
    return await client.post(f"/budgets/{election.budgets[budget]}/ballot", json=body, headers=headers)
