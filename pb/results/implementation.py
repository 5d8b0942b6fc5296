"""Following funded projects after publication: progress reports by officials and the network's coordinator,
a public feed per project, and a notice for every volunteer who offered help with the project's proposal
(pb keeps notices for volunteers to read; it sends no e-mail)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_coordinates_network, ensure_manages_municipality
from pb.core.errors import InvalidInput, NotFound
from pb.core.models import BallotProject, Budget, BudgetRound
from pb.proposals.models import VolunteerOffer
from pb.results.errors import ResultsNotPublished
from pb.results.models import BudgetResult, ImplementationUpdate, ProgressStatus, ResultStatus, VolunteerNotice


async def report_progress(
    session: AsyncSession, *, project_id: int, status: ProgressStatus, percent: int, note: dict[str, str],
    cancel_reason: dict[str, str] | None, starts_on: date | None, ends_on: date | None, actor: Principal,
    now: datetime,
) -> ImplementationUpdate:
    """Record progress of a funded project of a published result; volunteers of its proposal get a notice."""
    project, budget = await _funded_project(session, project_id)
    budget_round = await session.get(BudgetRound, budget.round_id)
    assert budget_round is not None
    if budget.network_id is None:
        ensure_manages_municipality(actor, budget_round.municipality_id)
    else:
        ensure_coordinates_network(actor, municipality_id=budget_round.municipality_id, network_id=budget.network_id)
    if status is ProgressStatus.CANCELLED and not cancel_reason:
        raise InvalidInput("a cancelled project needs the reason", field="cancel_reason",
                           fields=["cancel_reason", "status"])
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput("the end date is before the start date", field="ends_on", fields=["ends_on", "starts_on"])
    update = ImplementationUpdate(
        project_id=project_id, budget_id=budget.id or 0, status=status.value,
        percent=100 if status is ProgressStatus.DONE else percent, note=note,
        cancel_reason=cancel_reason if status is ProgressStatus.CANCELLED else None,
        starts_on=starts_on, ends_on=ends_on, created_at=now,
    )
    session.add(update)
    await session.flush()
    notified = await _notify_volunteers(session, project, update, now)
    await audit.record(
        session, actor=actor.actor, action="implementation.progress", target=f"project:{project_id}", now=now,
        details={"status": status.value, "percent": update.percent, "volunteers_notified": notified},
    )
    return update


async def _funded_project(session: AsyncSession, project_id: int) -> tuple[BallotProject, Budget]:
    project = await session.get(BallotProject, project_id)
    if project is None:
        raise NotFound("project %(project_id)s does not exist", project_id=project_id)
    budget = await session.get(Budget, project.budget_id)
    result = await session.get(BudgetResult, project.budget_id)
    assert budget is not None
    if result is None or result.status != ResultStatus.PUBLISHED.value:
        raise ResultsNotPublished("progress is recorded once the budget's result is published")
    if project.code not in result.outcome["selected"]:
        raise InvalidInput("project %(code_value)s was not funded", field="project_id", code_value=project.code)
    return project, budget


async def _notify_volunteers(
    session: AsyncSession, project: BallotProject, update: ImplementationUpdate, now: datetime
) -> int:
    if project.proposal_id is None:
        return 0
    offers = (
        await session.exec(
            select(VolunteerOffer).where(
                VolunteerOffer.proposal_id == project.proposal_id, col(VolunteerOffer.withdrawn_at).is_(None)
            )
        )
    ).all()
    for offer in offers:
        session.add(VolunteerNotice(update_id=update.id or 0, project_id=project.id or 0,
                                    volunteer_key=offer.volunteer_key, created_at=now))
    return len(offers)


async def project_feed(session: AsyncSession, *, project_id: int) -> Sequence[ImplementationUpdate]:
    """Every progress report of a project, newest first (public)."""
    if await session.get(BallotProject, project_id) is None:
        raise NotFound("project %(project_id)s does not exist", project_id=project_id)
    query = select(ImplementationUpdate).where(ImplementationUpdate.project_id == project_id)
    return (await session.exec(query.order_by(col(ImplementationUpdate.id).desc()))).all()


async def notices_for(session: AsyncSession, *, volunteer_key: str) -> Sequence[VolunteerNotice]:
    query = select(VolunteerNotice).where(VolunteerNotice.volunteer_key == volunteer_key)
    return (await session.exec(query.order_by(col(VolunteerNotice.id).desc()).limit(200))).all()
