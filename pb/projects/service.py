"""Putting projects on a budget's ballot, until voting opens and freezes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.budgets.service import get_budget
from pb.core.errors import AlreadyExists, NotFound, RoundFrozen
from pb.core.models import BallotProject, Budget
from pb.projects.schemas import ProjectCreate, ProjectUpdate
from pb.rounds.service import lock_round


async def add_project(
    session: AsyncSession, *, budget_id: int, data: ProjectCreate, actor: Principal, now: datetime,
    proposal_id: int | None = None,
) -> BallotProject:
    budget = await _editable_budget(session, budget_id, actor)
    clash = await session.exec(
        select(BallotProject).where(BallotProject.budget_id == budget_id, BallotProject.code == data.code)
    )
    if clash.first() is not None:
        raise AlreadyExists("project %(code_value)r is already on this ballot", field="code", code_value=data.code)
    project = BallotProject(
        budget_id=budget.id or 0, code=data.code, title=data.title.as_dict(), description=data.description.as_dict(),
        cost=data.cost, proposal_id=proposal_id, created_at=now, updated_at=now,
    )
    session.add(project)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action="project.add", target=f"project:{project.id}", now=now,
        details={"budget_id": budget_id, "code": data.code, "cost": data.cost, "proposal_id": proposal_id},
    )
    return project


async def update_project(
    session: AsyncSession, *, project_id: int, data: ProjectUpdate, actor: Principal, now: datetime
) -> BallotProject:
    project = await get_project(session, project_id)
    await _editable_budget(session, project.budget_id, actor)
    if data.title is not None:
        project.title = data.title.as_dict()
    if data.description is not None:
        project.description = data.description.as_dict()
    if data.cost is not None:
        project.cost = data.cost
    project.updated_at = now
    session.add(project)
    await audit.record(
        session, actor=actor.actor, action="project.update", target=f"project:{project_id}", now=now,
        details={"fields": sorted(data.model_dump(exclude_unset=True)), "cost": project.cost},
    )
    return project


async def remove_project(session: AsyncSession, *, project_id: int, actor: Principal, now: datetime) -> None:
    project = await get_project(session, project_id)
    await _editable_budget(session, project.budget_id, actor)
    await session.delete(project)
    await audit.record(
        session, actor=actor.actor, action="project.remove", target=f"project:{project_id}", now=now,
        details={"budget_id": project.budget_id, "code": project.code},
    )


async def _editable_budget(session: AsyncSession, budget_id: int, actor: Principal) -> Budget:
    budget = await get_budget(session, budget_id)
    budget_round = await lock_round(session, budget.round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if budget_round.frozen_at is not None:
        raise RoundFrozen("the ballot is frozen: voting has opened")
    return budget


async def list_projects(session: AsyncSession, *, budget_id: int) -> Sequence[BallotProject]:
    await get_budget(session, budget_id)
    query = select(BallotProject).where(BallotProject.budget_id == budget_id).order_by(col(BallotProject.code))
    return (await session.exec(query)).all()


async def get_project(session: AsyncSession, project_id: int) -> BallotProject:
    project = await session.get(BallotProject, project_id)
    if project is None:
        raise NotFound("project %(project_id)s does not exist", project_id=project_id)
    return project
