"""Deliberation rounds: windows within a budget round's deliberation phase, each with an advancement rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import Conflict, InvalidInput, NotFound, PhaseConflict
from pb.core.models import BudgetRound, Phase
from pb.proposals.deliberation_schemas import StageCreate, StageUpdate
from pb.proposals.models import DeliberationRound
from pb.rounds.service import get_round, lock_round

BEFORE_VOTING = frozenset({Phase.DRAFT.value, Phase.PROPOSALS.value, Phase.DELIBERATION.value})


class DeliberationClosed(PhaseConflict):
    code = "deliberation_closed"
    title = "No deliberation round is open"


async def create_stage(
    session: AsyncSession, *, round_id: int, data: StageCreate, actor: Principal, now: datetime
) -> DeliberationRound:
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if budget_round.phase not in BEFORE_VOTING:
        raise PhaseConflict("deliberation rounds are planned before voting")
    stages = await stages_of(session, round_id)
    if stages and stages[-1].is_last:
        raise Conflict("the last deliberation round is already planned", field="is_last")
    if stages and data.starts_at < stages[-1].ends_at:
        raise InvalidInput("a deliberation round starts after the previous one ends", field="starts_at")
    stage = DeliberationRound(
        round_id=round_id,
        number=len(stages) + 1,
        name=data.name.as_dict(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        rule=data.rule.id,
        rule_params=data.rule.params(),
        is_last=data.is_last,
        created_at=now,
    )
    session.add(stage)
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="deliberation.create",
        target=f"deliberation:{stage.id}",
        now=now,
        details={
            "round_id": round_id,
            "number": stage.number,
            "rule": stage.rule,
            "params": stage.rule_params,
        },
    )
    return stage


async def update_stage(
    session: AsyncSession, *, stage_id: int, data: StageUpdate, actor: Principal, now: datetime
) -> DeliberationRound:
    """An official moves (or renames) a deliberation round that has not closed; the move is audited."""
    stage, _ = await _changeable(session, stage_id, actor)
    starts_at = data.starts_at or stage.starts_at
    ends_at = data.ends_at or stage.ends_at
    if data.starts_at is not None and data.starts_at != stage.starts_at and stage.starts_at <= now:
        raise PhaseConflict("the deliberation round has started: only its end can move", field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput("ends_at must be after starts_at", field="ends_at", fields=["ends_at", "starts_at"])
    if ends_at <= now:
        raise InvalidInput("ends_at must be in the future; close the round early instead", field="ends_at")
    siblings = [s for s in await stages_of(session, stage.round_id) if s.id != stage.id]
    before = [s for s in siblings if s.number < stage.number]
    after = [s for s in siblings if s.number > stage.number]
    if before and starts_at < before[-1].ends_at:
        raise InvalidInput("a deliberation round starts after the previous one ends", field="starts_at")
    if after and ends_at > after[0].starts_at:
        raise InvalidInput("a deliberation round ends before the next one starts", field="ends_at")
    moved = {"starts_at": [stage.starts_at.isoformat(), starts_at.isoformat()],
             "ends_at": [stage.ends_at.isoformat(), ends_at.isoformat()]}
    stage.starts_at, stage.ends_at = starts_at, ends_at
    if data.name is not None:
        stage.name = data.name.as_dict()
    session.add(stage)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action="deliberation.update", target=f"deliberation:{stage.id}", now=now,
        details={"round_id": stage.round_id, "number": stage.number, "renamed": data.name is not None, **moved},
    )
    return stage


async def delete_stage(session: AsyncSession, *, stage_id: int, actor: Principal, now: datetime) -> None:
    """An official deletes a deliberation round that has not closed; later rounds move up a number."""
    stage, _ = await _changeable(session, stage_id, actor)
    later = [s for s in await stages_of(session, stage.round_id) if s.number > stage.number]
    details = {"round_id": stage.round_id, "number": stage.number, "rule": stage.rule, "is_last": stage.is_last,
               "starts_at": stage.starts_at.isoformat(), "ends_at": stage.ends_at.isoformat()}
    await session.delete(stage)
    await session.flush()
    # Ascending, one at a time, so that (round_id, number) stays unique at every step.
    for following in later:
        following.number -= 1
        session.add(following)
        await session.flush()
    await audit.record(
        session, actor=actor.actor, action="deliberation.delete", target=f"deliberation:{stage_id}", now=now,
        details=details,
    )


async def _changeable(
    session: AsyncSession, stage_id: int, actor: Principal
) -> tuple[DeliberationRound, BudgetRound]:
    stage = await get_stage(session, stage_id)
    budget_round = await lock_round(session, stage.round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if budget_round.phase not in BEFORE_VOTING:
        raise PhaseConflict("deliberation rounds change only before voting")
    if stage.closed_at is not None:
        raise Conflict("deliberation round %(number)s is closed; its decisions stand", number=stage.number)
    return stage, budget_round


async def stages_of(session: AsyncSession, round_id: int) -> Sequence[DeliberationRound]:
    query = select(DeliberationRound).where(DeliberationRound.round_id == round_id)
    return (await session.exec(query.order_by(col(DeliberationRound.number)))).all()


async def list_stages(session: AsyncSession, *, round_id: int) -> Sequence[DeliberationRound]:
    await get_round(session, round_id)
    return await stages_of(session, round_id)


async def get_stage(session: AsyncSession, stage_id: int) -> DeliberationRound:
    stage = await session.get(DeliberationRound, stage_id)
    if stage is None:
        raise NotFound("deliberation round %(stage_id)s does not exist", stage_id=stage_id)
    return stage


async def open_stage(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> DeliberationRound:
    """The deliberation round open now, or 409: the round is in deliberation and a window contains ``now``."""
    stage = await stage_open_now(session, budget_round, now)
    if stage is None:
        raise DeliberationClosed("this is possible only while a deliberation round is open")
    return stage


async def stage_open_now(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> DeliberationRound | None:
    """The deliberation round open now, if one is: pages ask before offering support and comment forms."""
    if budget_round.phase != Phase.DELIBERATION.value:
        return None
    query = select(DeliberationRound).where(
        DeliberationRound.round_id == budget_round.id,
        col(DeliberationRound.closed_at).is_(None),
        DeliberationRound.starts_at <= now,
        DeliberationRound.ends_at > now,
    )
    return (await session.exec(query)).first()


async def any_closed(session: AsyncSession, round_id: int) -> bool:
    query = (
        select(func.count())
        .select_from(DeliberationRound)
        .where(DeliberationRound.round_id == round_id, col(DeliberationRound.closed_at).is_not(None))
    )
    return (await session.exec(query)).one() > 0
