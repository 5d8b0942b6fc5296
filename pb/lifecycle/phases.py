"""Moving a round through its phases: forward only, by schedule or by an official, each move logged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import PhaseConflict
from pb.core.models import PHASES, Budget, BudgetRound, Phase, PhaseTransition
from pb.results.tally import tally_round
from pb.rounds.config import config_hash, round_config
from pb.rounds.service import lock_round, windows_of
from pb.voting.board import close_voting
from pb.voting.cache import VotingCache

SCHEDULE_ACTOR = "system:schedule"


def next_phase(phase: Phase) -> Phase | None:
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


async def transition(
    session: AsyncSession,
    *,
    round_id: int,
    to: Phase,
    actor: Principal,
    now: datetime,
    cache: VotingCache | None = None,
) -> BudgetRound:
    """An official moves the round on to the next phase; ``cache``: the serving app's, which forgets the round."""
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    current = Phase(budget_round.phase)
    if to != next_phase(current):
        raise PhaseConflict(
            "the round is in %(phase)s; it can only move on to %(next_phase)s",
            field="to", phase=current.value, next_phase=_next_name(current),
        )
    await _enter(session, budget_round, to, trigger="manual", actor=actor.actor, now=now, cache=cache)
    return budget_round


async def advance_by_schedule(
    session: AsyncSession, *, now: datetime, cache: VotingCache | None = None
) -> list[tuple[int, Phase]]:
    """Move every round whose next phases have started; returns the moves made (``cache`` as for transition)."""
    moves: list[tuple[int, Phase]] = []
    round_ids = (
        await session.exec(select(BudgetRound.id).where(BudgetRound.phase != Phase.CLOSED.value))
    ).all()
    for round_id in round_ids:
        assert round_id is not None
        budget_round = await lock_round(session, round_id)
        for phase in await _due_phases(session, budget_round, now):
            if phase is Phase.VOTING and not await _ready_to_vote(session, budget_round):
                await audit.record(
                    session, actor=SCHEDULE_ACTOR, action="round.schedule_blocked", target=f"round:{round_id}",
                    now=now, details={"phase": phase.value, "reason": "no budgets"},
                )
                break
            await _enter(session, budget_round, phase, trigger="schedule", actor=SCHEDULE_ACTOR, now=now, cache=cache)
            moves.append((round_id, phase))
    return moves


async def _due_phases(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> Sequence[Phase]:
    """The phases between the current one and the latest whose window has started."""
    assert budget_round.id is not None
    started = [Phase(w.phase) for w in await windows_of(session, budget_round.id) if w.starts_at <= now]
    if not started:
        return []
    current, target = PHASES.index(Phase(budget_round.phase)), PHASES.index(started[-1])
    return PHASES[current + 1 : target + 1]


async def _ready_to_vote(session: AsyncSession, budget_round: BudgetRound) -> bool:
    count = (
        await session.exec(select(func.count()).select_from(Budget).where(Budget.round_id == budget_round.id))
    ).one()
    return count > 0


async def _enter(
    session: AsyncSession,
    budget_round: BudgetRound,
    phase: Phase,
    *,
    trigger: str,
    actor: str,
    now: datetime,
    cache: VotingCache | None,
) -> None:
    if cache is not None:
        # Under the round's lock (FOR UPDATE), which casts of the round wait for: none can remember the round
        # again before this transition commits, and none after it finds the round as it was.
        cache.forget_round(budget_round.id or 0)
    if phase is Phase.VOTING:
        if not await _ready_to_vote(session, budget_round):
            raise PhaseConflict("voting cannot open before the round has at least one budget", field="to")
        budget_round.config_hash = config_hash(await round_config(session, budget_round))
        budget_round.frozen_at = now
    if phase is Phase.TALLYING:
        await close_voting(session, budget_round=budget_round, actor=actor, now=now)
        await tally_round(session, budget_round=budget_round, actor=actor, now=now)
    session.add(
        PhaseTransition(
            round_id=budget_round.id or 0, from_phase=budget_round.phase, to_phase=phase.value, trigger=trigger,
            actor=actor, at=now,
        )
    )
    details = {"from": budget_round.phase, "to": phase.value, "trigger": trigger}
    if budget_round.config_hash and phase is Phase.VOTING:
        details["config_hash"] = budget_round.config_hash
    budget_round.phase = phase.value
    budget_round.updated_at = now
    session.add(budget_round)
    await audit.record(
        session, actor=actor, action="round.phase", target=f"round:{budget_round.id}", now=now, details=details
    )


def _next_name(phase: Phase) -> str:
    following = next_phase(phase)
    return following.value if following else "nothing (it is closed)"

