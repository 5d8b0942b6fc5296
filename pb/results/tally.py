"""Tallying a round when voting closes, and the officials' confirmation and publication of each result.

A result is a pure function of the frozen configuration, the published ballot set, the rule, its parameters,
the tie-break and its seed (derived from the configuration hash); all are stored with it, with pb's version.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb import __version__
from pb.audit import log as audit
from pb.audit.models import AuditEvent
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import NotFound, PbError, PhaseConflict
from pb.core.models import Budget, BudgetRound, Phase
from pb.results.counting import Selections, closeness, closeness_affordable, count, outcome_json, seed_for
from pb.results.errors import (
    BallotSetChanged,
    ResultNotReady,
    ResultPublished,
    SmallCountNotAcknowledged,
    TallyFailed,
)
from pb.results.models import BudgetResult, ResultsPolicy, ResultStatus
from pb.rounds.config import round_config
from pb.rounds.frozen_config import BudgetConfig, RoundConfig, config_hash
from pb.voting.errors import ConfigDrift
from pb.voting.models import Ballot, BoardPublication
from pb.voting.receipts import canonical_ballot, set_hash, stored_selections

TALLIED_PHASES = frozenset({Phase.TALLYING, Phase.RESULTS, Phase.IMPLEMENTATION, Phase.CLOSED})
TALLY_FAILED = "results.tally_failed"
REASON_LENGTH = 300

log = logging.getLogger("pb.results")


@dataclass(frozen=True, slots=True)
class BallotSet:
    """A budget's counted ballots in the board's canonical form, with the hash over them."""

    budget_id: int
    config_hash: str
    entries: tuple[tuple[str, Selections], ...]
    """(receipt, selections) in receipt order."""

    @property
    def hash(self) -> str:
        return set_hash(
            (r, canonical_ballot(budget_id=self.budget_id, config_hash=self.config_hash, selections=s))
            for r, s in self.entries
        )

    @property
    def selections(self) -> list[Selections]:
        return [s for _, s in self.entries]


async def ballot_set(session: AsyncSession, *, budget_id: int) -> BallotSet:
    """The counted ballots of a budget as stored now, checked against what the board published."""
    publication = await session.get(BoardPublication, budget_id)
    if publication is None:
        raise ResultNotReady(
            "budget %(budget_id)s has no published ballot set; voting has not closed",
            budget_id=budget_id,
        )
    rows = (await session.exec(select(Ballot).where(Ballot.budget_id == budget_id))).all()
    entries = tuple(sorted((b.receipt, stored_selections(b.selections)) for b in rows))
    found = BallotSet(budget_id, publication.config_hash, entries)
    if found.hash != publication.set_hash or len(entries) != publication.ballot_count:
        raise BallotSetChanged(
            "budget %(budget_id)s: the stored ballots (hash %(hash)s..., %(entries)s ballots) differ from the "
            "published board (hash %(set_hash)s..., %(ballot_count)s ballots)",
            budget_id=budget_id,
            hash=found.hash[:16],
            entries=len(entries),
            set_hash=publication.set_hash[:16],
            ballot_count=publication.ballot_count,
        )
    return found


async def frozen_config(session: AsyncSession, budget_round: BudgetRound) -> RoundConfig:
    """The round's configuration as read now; ConfigDrift unless it is what was frozen when voting opened."""
    config = await round_config(session, budget_round)
    if budget_round.config_hash is None or config_hash(config) != budget_round.config_hash:
        raise ConfigDrift("the round's configuration no longer matches what was frozen when voting opened")
    return config


async def tally_round(
    session: AsyncSession, *, budget_round: BudgetRound, actor: str, now: datetime
) -> list[BudgetResult]:
    """Tally every budget of the round (draft results); published or confirmed results are only re-checked."""
    config = await frozen_config(session, budget_round)
    results = [await _tally_budget(session, budget_round, budget, now) for budget in config.budgets]
    await audit.record(
        session, actor=actor, action="results.tally", target=f"round:{budget_round.id}", now=now,
        details={
            "config_hash": budget_round.config_hash,
            "budgets": {
                str(r.budget_id): {"ballot_set_hash": r.ballot_set_hash, "selected": r.outcome["selected"]}
                for r in results
            },
        },
    )
    return results


@dataclass(frozen=True, slots=True)
class FailedTally:
    """A round's latest tally attempt, when it failed: when, and why (as its audit entry records it)."""

    at: datetime
    error: str
    reason: str


async def latest_tally_failure(session: AsyncSession, round_id: int) -> FailedTally | None:
    """The round's latest tally attempt if it failed, None once one succeeds (or before any was made).

    Read from the audit log, which records every attempt (``results.tally`` or ``results.tally_failed``) in the
    transaction that keeps its outcome: a failure leaves no other trace, since its savepoint is rolled back.
    """
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.action).in_(("results.tally", TALLY_FAILED)), AuditEvent.target == f"round:{round_id}")
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    )
    last = (await session.exec(query)).first()
    if last is None or last.action != TALLY_FAILED:
        return None
    return FailedTally(last.at, str(last.details.get("error", "")), str(last.details.get("reason", "")))


@dataclass(frozen=True, slots=True)
class TallyFailure:
    """Why a round's tally could not be computed: the error's class and its English text (no personal data:
    a tally reads only the frozen configuration and anonymous ballots)."""

    round_id: int
    error: str
    reason: str


async def attempt_tally(
    session: AsyncSession, *, budget_round: BudgetRound, actor: str, now: datetime,
    passing: tuple[type[Exception], ...] = (),
) -> list[BudgetResult] | TallyFailure:
    """Tally the round, or keep nothing of the attempt but its failure, logged and audited.

    Voting has closed when this runs, and a frozen budget can no longer be fixed: whatever goes wrong inside
    the tally (a rule of ballots/ raising, stored ballots that no longer match the board) must leave a round an
    official can tally again once the cause is fixed, never a request that fails and takes the close with it.
    Errors in ``passing`` (an expected refusal) and database errors propagate unchanged.
    """
    try:
        async with session.begin_nested():
            return await tally_round(session, budget_round=budget_round, actor=actor, now=now)
    except DBAPIError:
        raise
    except passing:
        raise
    except Exception as exc:  # the point: no fault of the tally may leave the round stuck
        text = exc.detail if isinstance(exc, PbError) else str(exc)
        failure = TallyFailure(budget_round.id or 0, type(exc).__name__, text[:REASON_LENGTH] or type(exc).__name__)
    log.error("tally of round %s failed: %s: %s", failure.round_id, failure.error, failure.reason)
    await audit.record(
        session, actor=actor, action=TALLY_FAILED, target=f"round:{failure.round_id}", now=now,
        details={"config_hash": budget_round.config_hash, "error": failure.error, "reason": failure.reason},
    )
    return failure


def tally_failed(failure: TallyFailure, *, closing: bool) -> TallyFailed:
    """The answer to a failed tally: what happened, what was kept, and how to try again."""
    values: dict[str, Any] = {"round_id": failure.round_id, "error": failure.error, "reason": failure.reason}
    if closing:
        return TallyFailed(
            "voting has closed and the round is now in tallying, but its tally failed (%(reason)s): nothing was "
            "counted. Once the cause is fixed, tally again with POST /rounds/%(round_id)s/tally",
            phase=Phase.TALLYING.value, **values,
        )
    return TallyFailed(
        "the tally failed again (%(reason)s): nothing was counted. Once the cause is fixed, tally again with "
        "POST /rounds/%(round_id)s/tally",
        **values,
    )


async def _tally_budget(
    session: AsyncSession, budget_round: BudgetRound, budget: BudgetConfig, now: datetime
) -> BudgetResult:
    budget_id = budget.id
    ballots = await ballot_set(session, budget_id=budget_id)
    seed = seed_for(budget_round.config_hash or "", budget_id)
    counted = count(budget, ballots.selections, seed=seed)
    close = (closeness(budget, ballots.selections, counted, seed=seed)
             if closeness_affordable(budget, len(ballots.selections)) else None)
    outcome = outcome_json(counted, budget, close)
    existing = await session.get(BudgetResult, budget_id)
    if existing is not None and existing.status != ResultStatus.DRAFT.value:
        if existing.outcome != outcome or existing.ballot_set_hash != ballots.hash:
            raise ResultPublished(
                "budget %(budget_id)s's result is %(state)s; a new tally would differ",
                budget_id=budget_id, state=existing.status,
            )
        return existing
    values: dict[str, Any] = {
        "rule": budget.rule, "parameters": dict(budget.rule_params), "tie_break": budget.tie_break, "seed": seed,
        "config_hash": budget_round.config_hash or "", "ballot_count": len(ballots.entries),
        "ballot_set_hash": ballots.hash, "pb_version": __version__, "outcome": outcome, "tallied_at": now,
    }
    result = existing or BudgetResult(budget_id=budget_id, round_id=budget_round.id or 0, **values)
    for name, value in values.items():
        setattr(result, name, value)
    session.add(result)
    await session.flush()
    return result


async def retally(
    session: AsyncSession, *, round_id: int, actor: Principal, now: datetime
) -> list[BudgetResult]:
    """An official tallies again (after voting closed, or after a failed tally); the outcome is the same unless
    the ballots changed. A tally that fails answers TallyFailed, with the failure audited."""
    budget_round = await _round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if Phase(budget_round.phase) not in TALLIED_PHASES:
        raise PhaseConflict("results are tallied once voting has closed")
    outcome = await attempt_tally(session, budget_round=budget_round, actor=actor.actor, now=now, passing=(PbError,))
    if isinstance(outcome, TallyFailure):
        raise tally_failed(outcome, closing=False)
    return outcome


async def results_of_round(session: AsyncSession, *, round_id: int) -> Sequence[BudgetResult]:
    await _round(session, round_id)
    query = select(BudgetResult).where(BudgetResult.round_id == round_id).order_by(col(BudgetResult.budget_id))
    return (await session.exec(query)).all()


async def get_result(session: AsyncSession, budget_id: int) -> BudgetResult:
    result = await session.get(BudgetResult, budget_id)
    if result is None:
        raise NotFound("budget %(budget_id)s has no result yet", budget_id=budget_id)
    return result


async def result_for_official(session: AsyncSession, *, budget_id: int, actor: Principal) -> BudgetResult:
    budget = await session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    ensure_manages_municipality(actor, (await _round(session, budget.round_id)).municipality_id)
    return await get_result(session, budget_id)


async def confirm(session: AsyncSession, *, budget_id: int, actor: Principal, now: datetime) -> BudgetResult:
    """An official confirms a draft result after checking it; 409 if the ballots changed since the tally."""
    result = await _for_official(session, budget_id, actor)
    if result.status != ResultStatus.DRAFT.value:
        raise ResultNotReady("the result is %(state)s; only a draft is confirmed", field="status", state=result.status)
    await _same_ballots(session, result)
    result.status, result.confirmed_at = ResultStatus.CONFIRMED.value, now
    return await _save(session, result, actor, "results.confirm", now)


async def publish(
    session: AsyncSession, *, budget_id: int, actor: Principal, now: datetime, acknowledge_small_count: bool = False
) -> BudgetResult:
    """An official publishes a confirmed result; from then on it never changes.

    A budget with some but fewer ballots than the round's export minimum k (SECURITY.md N5: a small area's
    tally reveals votes by arithmetic) is published only with ``acknowledge_small_count``; the audit entry
    records the count, k and the acknowledgement.
    """
    result = await _for_official(session, budget_id, actor)
    if result.status != ResultStatus.CONFIRMED.value:
        raise ResultNotReady(
            "the result is %(state)s; confirm it before publishing",
            field="status", state=result.status,
        )
    await _same_ballots(session, result)
    minimum = await small_count_minimum(session, round_id=result.round_id)
    small = 0 < result.ballot_count < minimum
    if small and not acknowledge_small_count:
        raise SmallCountNotAcknowledged(
            "budget %(budget_id)s has %(ballot_count)s ballots, fewer than the round's minimum of %(minimum)s: "
            "its published counts may reveal how individual residents voted. Publish it with "
            '{"acknowledge_small_count": true} if that is accepted.',
            field="acknowledge_small_count", budget_id=budget_id, ballot_count=result.ballot_count, minimum=minimum,
        )
    result.status, result.published_at = ResultStatus.PUBLISHED.value, now
    extra = {"ballot_count": result.ballot_count, "small_count_minimum": minimum,
             "small_count_acknowledged": small}
    return await _save(session, result, actor, "results.publish", now, extra)


async def small_count_minimum(session: AsyncSession, *, round_id: int) -> int:
    """k of SECURITY.md N5: the round's minimum class size for exports (ResultsPolicy.min_ballot_class)."""
    policy = await session.get(ResultsPolicy, round_id)
    return policy.min_ballot_class if policy is not None else ResultsPolicy.model_fields["min_ballot_class"].default


async def _for_official(session: AsyncSession, budget_id: int, actor: Principal) -> BudgetResult:
    budget = await session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    budget_round = await _round(session, budget.round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    result = await get_result(session, budget_id)
    if result.status == ResultStatus.PUBLISHED.value:
        raise ResultPublished(
            "budget %(budget_id)s's result is published and can no longer change",
            budget_id=budget_id,
        )
    return result


async def _same_ballots(session: AsyncSession, result: BudgetResult) -> None:
    ballots = await ballot_set(session, budget_id=result.budget_id)
    if ballots.hash != result.ballot_set_hash:
        raise BallotSetChanged(
            "the ballot set changed since the tally (tallied %(ballot_set_hash)s..., now %(hash)s...); tally again",
            budget_id=result.budget_id, ballot_set_hash=result.ballot_set_hash[:16], hash=ballots.hash[:16],
        )


async def _save(
    session: AsyncSession, result: BudgetResult, actor: Principal, action: str, now: datetime,
    extra: dict[str, Any] | None = None,
) -> BudgetResult:
    session.add(result)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action=action, target=f"budget:{result.budget_id}", now=now,
        details={"ballot_set_hash": result.ballot_set_hash, "selected": result.outcome["selected"], **(extra or {})},
    )
    return result


async def _round(session: AsyncSession, round_id: int) -> BudgetRound:
    budget_round = await session.get(BudgetRound, round_id)
    if budget_round is None:
        raise NotFound("round %(round_id)s does not exist", round_id=round_id)
    return budget_round
