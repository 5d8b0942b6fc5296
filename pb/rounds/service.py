"""Creating, configuring and reading budget rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import AlreadyExists, InvalidInput, NotFound, RoundFrozen
from pb.core.models import PHASES, Budget, BudgetRound, Municipality, Phase, PhaseTransition, RoundPhase
from pb.municipalities.service import get_municipality
from pb.rounds.schemas import PhaseWindowPublic, RoundCreate, RoundPublic, RoundUpdate, Schedule

# Windows up to and including voting are part of what voters rely on once voting opens.
FROZEN_WINDOWS = frozenset(PHASES[: PHASES.index(Phase.VOTING) + 1])
CONFIG_FIELDS = frozenset({"min_age", "residence_required", "allow_revoting"})


async def create_round(session: AsyncSession, *, data: RoundCreate, actor: Principal, now: datetime) -> BudgetRound:
    await get_municipality(session, data.municipality_id)
    ensure_manages_municipality(actor, data.municipality_id)
    clash = await session.exec(
        select(BudgetRound).where(
            BudgetRound.municipality_id == data.municipality_id, BudgetRound.slug == data.slug
        )
    )
    if clash.first() is not None:
        raise AlreadyExists("round %(slug)r exists in this municipality", field="slug", slug=data.slug)
    budget_round = BudgetRound(
        municipality_id=data.municipality_id,
        slug=data.slug,
        year=data.year,
        name=data.name.as_dict(),
        min_age=data.min_age,
        residence_required=data.residence_required,
        allow_revoting=data.allow_revoting,
        created_at=now,
        updated_at=now,
    )
    session.add(budget_round)
    await session.flush()
    if data.schedule is not None:
        await _replace_windows(session, budget_round, data.schedule, existing=[])
    await audit.record(
        session, actor=actor.actor, action="round.create", target=f"round:{budget_round.id}", now=now,
        details={"slug": data.slug, "year": data.year},
    )
    return budget_round


async def update_round(
    session: AsyncSession, *, round_id: int, data: RoundUpdate, actor: Principal, now: datetime
) -> BudgetRound:
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    changes = data.model_dump(exclude_unset=True)
    if budget_round.frozen_at is not None and CONFIG_FIELDS & set(changes):
        raise RoundFrozen("eligibility and revoting cannot change after voting has opened",
                          field=sorted(CONFIG_FIELDS & set(changes))[0])
    if data.name is not None:
        budget_round.name = data.name.as_dict()
    for field in CONFIG_FIELDS & set(changes):
        if changes[field] is not None:
            setattr(budget_round, field, changes[field])
    budget_round.updated_at = now
    session.add(budget_round)
    await audit.record(
        session, actor=actor.actor, action="round.update", target=f"round:{round_id}", now=now,
        details={"fields": sorted(changes)},
    )
    return budget_round


async def set_schedule(
    session: AsyncSession, *, round_id: int, schedule: Schedule, actor: Principal, now: datetime
) -> BudgetRound:
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    existing = list(await windows_of(session, round_id))
    if budget_round.frozen_at is not None:
        before = {(w.phase, w.starts_at, w.ends_at) for w in existing if w.phase in FROZEN_WINDOWS}
        after = {(w.phase.value, w.starts_at, w.ends_at) for w in schedule.phases if w.phase in FROZEN_WINDOWS}
        if before != after:
            raise RoundFrozen("the phase plan up to the end of voting cannot change after voting has opened",
                              field="phases")
    await _replace_windows(session, budget_round, schedule, existing=existing)
    budget_round.updated_at = now
    session.add(budget_round)
    await audit.record(
        session, actor=actor.actor, action="round.schedule", target=f"round:{round_id}", now=now,
        details={"phases": [w.phase.value for w in schedule.phases]},
    )
    return budget_round


async def _replace_windows(
    session: AsyncSession, budget_round: BudgetRound, schedule: Schedule, *, existing: list[RoundPhase]
) -> None:
    by_phase = {w.phase: w for w in existing}
    wanted = {w.phase.value for w in schedule.phases}
    for window in existing:
        if window.phase not in wanted:
            await session.delete(window)
    for wanted_window in schedule.phases:
        row = by_phase.get(wanted_window.phase.value) or RoundPhase(
            round_id=budget_round.id or 0, phase=wanted_window.phase.value, starts_at=wanted_window.starts_at,
            ends_at=wanted_window.ends_at,
        )
        row.starts_at, row.ends_at = wanted_window.starts_at, wanted_window.ends_at
        session.add(row)


async def get_round(session: AsyncSession, round_id: int) -> BudgetRound:
    budget_round = await session.get(BudgetRound, round_id)
    if budget_round is None:
        raise NotFound("round %(round_id)s does not exist", round_id=round_id)
    return budget_round


async def find_round(session: AsyncSession, reference: str) -> BudgetRound:
    """A round named as people name it: its id, its slug, or ``municipality/slug`` where slugs repeat."""
    if reference.isdecimal() and len(reference) < 10:
        return await get_round(session, int(reference))
    municipality, _, slug = reference.rpartition("/")
    query = select(BudgetRound).where(BudgetRound.slug == slug)
    if municipality:
        query = query.join(Municipality, col(Municipality.id) == col(BudgetRound.municipality_id)).where(
            Municipality.slug == municipality)
    found = (await session.exec(query.order_by(col(BudgetRound.id)).limit(2))).all()
    if not found:
        raise NotFound("no round is called %(reference)r", field="round", reference=reference)
    if len(found) > 1:
        raise InvalidInput("several municipalities have a round %(slug)r: say which, as municipality/%(slug)s",
                           field="round", slug=slug)
    return found[0]


async def lock_round(session: AsyncSession, round_id: int) -> BudgetRound:
    """Read a round for change; concurrent changes of the same round wait for each other."""
    query = select(BudgetRound).where(BudgetRound.id == round_id).with_for_update()
    budget_round = (await session.exec(query)).first()
    if budget_round is None:
        raise NotFound("round %(round_id)s does not exist", round_id=round_id)
    return budget_round


async def list_rounds(
    session: AsyncSession, *, municipality_id: int | None = None, phase: Phase | None = None,
    limit: int = 50, offset: int = 0,
) -> Sequence[BudgetRound]:
    query = select(BudgetRound)
    if municipality_id is not None:
        query = query.where(BudgetRound.municipality_id == municipality_id)
    if phase is not None:
        query = query.where(BudgetRound.phase == phase.value)
    query = query.order_by(col(BudgetRound.year).desc(), col(BudgetRound.id)).limit(limit).offset(offset)
    return (await session.exec(query)).all()


async def windows_of(session: AsyncSession, round_id: int) -> Sequence[RoundPhase]:
    rows = (await session.exec(select(RoundPhase).where(RoundPhase.round_id == round_id))).all()
    return sorted(rows, key=lambda w: PHASES.index(Phase(w.phase)))


async def round_public(session: AsyncSession, budget_round: BudgetRound) -> RoundPublic:
    assert budget_round.id is not None
    windows = await windows_of(session, budget_round.id)
    count = (
        await session.exec(select(func.count()).select_from(Budget).where(Budget.round_id == budget_round.id))
    ).one()
    return RoundPublic.model_validate(
        {
            **{name: getattr(budget_round, name) for name in BudgetRound.model_fields},
            "schedule": [PhaseWindowPublic.model_validate(w) for w in windows],
            "budget_count": count,
        }
    )


async def transitions_of(session: AsyncSession, round_id: int) -> Sequence[PhaseTransition]:
    await get_round(session, round_id)
    query = select(PhaseTransition).where(PhaseTransition.round_id == round_id).order_by(col(PhaseTransition.id))
    return (await session.exec(query)).all()
