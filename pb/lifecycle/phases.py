"""Moving a round through its phases: forward only, by schedule or by an official, each move logged."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.audit.models import AuditEvent
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import InvalidInput, PhaseConflict
from pb.core.models import PHASES, BudgetRound, Phase, PhaseTransition
from pb.lifecycle.readiness import Missing, missing_for_voting, not_ready
from pb.results.errors import TallyFailed
from pb.results.tally import TallyFailure, attempt_tally, latest_tally_failure, tally_failed
from pb.rounds.config import round_config
from pb.rounds.frozen_config import config_hash
from pb.rounds.service import lock_round, windows_of
from pb.voting.board import close_voting
from pb.voting.cache import VotingCache

SCHEDULE_ACTOR = "system:schedule"
HELD = "round.schedule_blocked"
"""The audit action of a scheduled move that waits because the round is not ready."""

log = logging.getLogger("pb.lifecycle")


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
    acknowledge_not_ready: Sequence[str] = (),
    reason: str | None = None,
) -> BudgetRound:
    """An official moves the round on to the next phase; ``cache``: the serving app's, which forgets the round.

    Voting opens only on a ready round (``pb.lifecycle.readiness``), or when the official names every missing
    item in ``acknowledge_not_ready`` and gives a ``reason``; both are kept in the audit entry of the move.
    """
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    current = Phase(budget_round.phase)
    if to != next_phase(current):
        raise PhaseConflict(
            "the round is in %(phase)s; it can only move on to %(next_phase)s",
            field="to", phase=current.value, next_phase=_next_name(current),
        )
    if to is Phase.RESULTS and (failed := await latest_tally_failure(session, round_id)) is not None:
        raise TallyFailed(
            "the round's last tally failed (%(reason)s), so it has no results to show: tally again with "
            "POST /rounds/%(round_id)s/tally, and once that succeeds the round can move on to results",
            field="to", round_id=round_id, error=failed.error, reason=failed.reason,
        )
    overridden = await _acknowledged(session, budget_round, acknowledge_not_ready, reason) if (
        to is Phase.VOTING) else []
    override = {"acknowledged_not_ready": overridden, "reason": reason} if overridden else {}
    failure = await _enter(session, budget_round, to, trigger="manual", actor=actor.actor, now=now, cache=cache,
                           details=override)
    if failure is not None:
        raise tally_failed(failure, closing=True)
    return budget_round


async def _acknowledged(
    session: AsyncSession, budget_round: BudgetRound, named: Sequence[str], reason: str | None
) -> list[str]:
    """The keys of the missing items the official overrides; RoundNotReady unless they name every one."""
    missing = await missing_for_voting(session, budget_round)
    if any(not item.overridable or item.key not in named for item in missing):
        raise not_ready(missing, acknowledged=named)
    if missing and not (reason or "").strip():
        raise InvalidInput("say why voting opens although the round is not ready", field="reason")
    return [item.key for item in missing]


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
            if phase is Phase.VOTING and (missing := await missing_for_voting(session, budget_round)):
                await _hold(session, budget_round, missing, now)
                break
            if phase is Phase.RESULTS and await latest_tally_failure(session, round_id) is not None:
                break  # the failure was logged and audited when it happened; a successful tally lets it move
            failure = await _enter(
                session, budget_round, phase, trigger="schedule", actor=SCHEDULE_ACTOR, now=now, cache=cache
            )
            moves.append((round_id, phase))
            if failure is not None:
                break  # logged and audited; an official tallies again once the cause is fixed
    return moves


async def _due_phases(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> Sequence[Phase]:
    """The phases between the current one and the latest whose window has started."""
    assert budget_round.id is not None
    started = [Phase(w.phase) for w in await windows_of(session, budget_round.id) if w.starts_at <= now]
    if not started:
        return []
    current, target = PHASES.index(Phase(budget_round.phase)), PHASES.index(started[-1])
    return PHASES[current + 1 : target + 1]


async def _hold(session: AsyncSession, budget_round: BudgetRound, missing: Sequence[Missing], now: datetime) -> None:
    """Keep a round that is not ready out of voting; logged and audited when what it lacks changes.

    The scheduler never overrides: an official fixes the items (or opens voting with an acknowledgement).
    Recording only changes keeps a pass every few seconds from flooding the audit log.
    """
    target, keys = f"round:{budget_round.id}", [item.key for item in missing]
    query = select(AuditEvent).where(AuditEvent.action == HELD, AuditEvent.target == target)
    last = (await session.exec(query.order_by(col(AuditEvent.seq).desc()).limit(1))).first()
    if last is not None and last.details.get("missing") == keys and last.details.get("phase") == budget_round.phase:
        return
    log.warning("round %s stays in %s: not ready for voting (%s)", budget_round.id, budget_round.phase,
                ", ".join(sorted({item.code for item in missing})))
    await audit.record(session, actor=SCHEDULE_ACTOR, action=HELD, target=target, now=now,
                       details={"phase": budget_round.phase, "to": Phase.VOTING.value, "missing": keys})


async def _enter(
    session: AsyncSession,
    budget_round: BudgetRound,
    phase: Phase,
    *,
    trigger: str,
    actor: str,
    now: datetime,
    cache: VotingCache | None,
    details: dict[str, Any] | None = None,
) -> TallyFailure | None:
    """Move the round into ``phase``; leaving voting closes it and tallies, and a failed tally is returned
    (the round still moves: voting has closed and the ballot set is published)."""
    failure: TallyFailure | None = None
    if cache is not None:
        # Under the round's lock (FOR UPDATE), which casts of the round wait for: none can remember the round
        # again before this transition commits, and none after it finds the round as it was.
        cache.forget_round(budget_round.id or 0)
    if phase is Phase.VOTING:
        budget_round.config_hash = config_hash(await round_config(session, budget_round))
        budget_round.frozen_at = now
    if phase is Phase.TALLYING:
        await close_voting(session, budget_round=budget_round, actor=actor, now=now)
        outcome = await attempt_tally(session, budget_round=budget_round, actor=actor, now=now)
        failure = outcome if isinstance(outcome, TallyFailure) else None
    session.add(
        PhaseTransition(
            round_id=budget_round.id or 0, from_phase=budget_round.phase, to_phase=phase.value, trigger=trigger,
            actor=actor, at=now,
        )
    )
    entry: dict[str, Any] = {"from": budget_round.phase, "to": phase.value, "trigger": trigger, **(details or {})}
    if budget_round.config_hash and phase is Phase.VOTING:
        entry["config_hash"] = budget_round.config_hash
    budget_round.phase = phase.value
    budget_round.updated_at = now
    session.add(budget_round)
    await audit.record(
        session, actor=actor, action="round.phase", target=f"round:{budget_round.id}", now=now, details=entry
    )
    return failure


def _next_name(phase: Phase) -> str:
    following = next_phase(phase)
    return following.value if following else "nothing (it is closed)"

