"""Casting a ballot: one transaction that checks the phase, the frozen configuration, eligibility and the
ballot, then records participation and ballot apart (docs/security.md, "Voting").

Lock order: the round row FOR SHARE (an official's close takes it FOR UPDATE, so it waits for casts in flight
and casts after it see the new phase), then the participation row (INSERT ... ON CONFLICT, or FOR UPDATE when
it exists), then the ballot. The cast's audit entry is a row of its own in ``cast_event`` (no shared lock).

The voting window is judged by the database's clock, read in the same transaction (SECURITY.md C4): app servers'
clocks may drift, the database orders the casts and the close. Only code that loads a past round's ballots at the
moments they were cast (the demo's earlier round) names a moment of its own (``window_at``); no request can.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, literal_column
from sqlalchemy import select as sql_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit.cast_log import record_cast
from pb.audit.models import CastAction
from pb.auth.identity import Resident
from pb.auth.models import ResidentSession
from pb.auth.sessions import SESSION_COLUMNS, session_from_row, session_resident
from pb.core.db import SessionMaker, transaction
from pb.core.errors import NotFound
from pb.core.models import Budget, BudgetRound, Municipality, Phase
from pb.voting.cache import VotingCache
from pb.voting.errors import (
    AlreadyVoted,
    IdempotencyKeyReused,
    NotEligible,
    ReceiptReused,
    SealBroken,
    StaleConfig,
    VotingClosed,
)
from pb.voting.first_cast import try_first_cast
from pb.voting.frozen import FrozenRound
from pb.voting.keys import VotingKeys
from pb.voting.models import Ballot, Participation
from pb.voting.prepared import CastRequest, CastResult, PreparedCast, eligibility, prepare_cast, sealed_new_ballot
from pb.voting.receipts import stored_selections

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
"""SQLite's clock to the millisecond (CURRENT_TIMESTAMP has whole seconds), in UTC."""


async def cast(
    engine: AsyncEngine, sessionmaker: SessionMaker, request: CastRequest, *, keys: VotingKeys, cache: VotingCache
) -> CastResult:
    """Cast for the resident of the request's session: a first ballot in two statements where it can be
    (:mod:`pb.voting.first_cast`), anything else in the full transaction of :func:`cast_ballot`."""
    first = await try_first_cast(engine, request, keys=keys, cache=cache)
    if first is not None:
        return first
    async with transaction(sessionmaker) as session:
        return await cast_ballot(session, request, keys=keys, cache=cache)


async def cast_ballot(
    session: AsyncSession, request: CastRequest, *, keys: VotingKeys, cache: VotingCache,
    window_at: datetime | None = None,
) -> CastResult:
    """Store the ballot of the resident signed in with the request's session (whose token was verified) for the
    budget, replacing their earlier one when the round allows revoting. A revoked, expired or unknown session is
    a 401, judged before anything else.

    ``window_at`` judges the voting window at that moment instead of by the database's clock: for replaying a
    past round's casts at their own moments (:mod:`pb.demo.round_2026`). Every request leaves it out.
    """
    budget_id, data, now = request.budget_id, request.data, request.now
    locked, voter = await _lock_round_of(session, budget_id, request.session_id, now)
    frozen = await _open_round(session, locked, cache, locked.database_now if window_at is None else window_at)
    if data.config_hash != frozen.config_hash:
        raise StaleConfig(
            "the ballot was made for another configuration of the round; reload it", field="config_hash"
        )
    budget = frozen.budgets[budget_id]
    verdict = eligibility(frozen, budget, voter, municipality_code=locked.municipality_code, now=now)
    if not verdict.eligible:
        values: dict[str, Any] = dict(verdict.values)  # the reason's sentence's, answered in the caller's language
        raise NotEligible(verdict.message_id or "not eligible", reason=verdict.reason, **values)
    cache.remember_open_budget(budget_id, frozen, locked.municipality_code)
    cast = prepare_cast(frozen, budget, voter, data, request.idempotency_key, keys)
    ballot_id, sealed = sealed_new_ballot(keys, cast)
    if await _insert_participation(session, cast, sealed):
        await _insert_ballot(session, cast, ballot_id)
        action = CastAction.CAST
    else:
        existing = await _locked_participation(session, budget_id, cast.voter_key)
        if cast.idempotency_tag is not None and existing.idempotency_tag == cast.idempotency_tag:
            if existing.request_tag != cast.request_tag:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was used for a different ballot", field="Idempotency-Key"
                )
            return await _replay(session, frozen.round_id, existing, keys)
        if not frozen.allow_revoting:
            raise AlreadyVoted("you have already voted in this budget; this round does not allow changing it")
        await _replace(session, cast, existing, ballot_id, sealed, keys)
        action = CastAction.REVOTE
    await record_cast(session, budget_id=budget_id, action=action, status=201, code=None, now=now)
    return CastResult(cast.receipt, cast.nonce, budget_id, cast.config_hash, cast.selections, created=True)


@dataclass(frozen=True, slots=True)
class _LockedRound:
    round_id: int
    phase: str
    config_hash: str | None
    municipality_code: str
    database_now: datetime


async def _lock_round_of(
    session: AsyncSession, budget_id: int, session_id: str, now: datetime
) -> tuple[_LockedRound, Resident]:
    """The budget's round, locked FOR SHARE, with the database's clock read in this transaction, and the
    resident's session row read in the same round trip."""
    query = _round_lock_query(session.get_bind().dialect.name)
    params = {"budget_id": budget_id, "session_id": session_id}
    row = (await (await session.connection()).execute(query, params)).first()
    if row is None:
        await session_resident(session, session_id, now=now)  # an invalid session is a 401 before a 404
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    round_id, phase, frozen_hash, municipality_code, at, known, *session_row = row
    voter = session_from_row(session_id, None if known is None else session_row, now=now)
    if isinstance(at, str):  # SQLite
        at = datetime.fromisoformat(at).replace(tzinfo=UTC)
    return _LockedRound(round_id, phase, frozen_hash, municipality_code, at), voter


@functools.cache
def _round_lock_query(dialect: str) -> Any:
    """Built once per dialect (a bound parameter for the budget): no statement construction per cast."""
    database_now: Any = func.now() if dialect == "postgresql" else literal_column(SQLITE_NOW)
    sessions: Any = ResidentSession.__table__  # type: ignore[attr-defined]
    return (
        sql_select(
            col(BudgetRound.id), col(BudgetRound.phase), col(BudgetRound.config_hash), col(Municipality.code),
            database_now, sessions.c.id, *SESSION_COLUMNS,
        )
        .join(Budget, col(Budget.round_id) == col(BudgetRound.id))
        .join(Municipality, col(Municipality.id) == col(BudgetRound.municipality_id))
        # The session is on the outer join's nullable side; only the round is locked.
        .outerjoin(sessions, sessions.c.id == bindparam("session_id"))
        .where(col(Budget.id) == bindparam("budget_id"))
        .with_for_update(read=True, of=BudgetRound)
    )


async def _open_round(
    session: AsyncSession, locked: _LockedRound, cache: VotingCache, window_at: datetime
) -> FrozenRound:
    if locked.phase != Phase.VOTING.value or locked.config_hash is None:
        raise VotingClosed("voting is not open: the round is in its %(phase)s phase", phase=locked.phase)
    frozen = await cache.frozen_round(session, locked.round_id, locked.config_hash)
    if frozen.voting_ends_at is not None and window_at >= frozen.voting_ends_at:
        raise VotingClosed("voting has ended")
    return frozen


@functools.cache
def _upserts(dialect: str) -> tuple[Any, Any]:
    """The participation and ballot INSERT ... ON CONFLICT DO NOTHING statements, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Core statements on the tables (not the ORM entities): no ORM bulk-insert machinery per cast.
    participations: Any = Participation.__table__  # type: ignore[attr-defined]
    ballots: Any = Ballot.__table__  # type: ignore[attr-defined]
    participation = (
        insert(participations)
        .on_conflict_do_nothing(index_elements=["budget_id", "voter_key"])
        .returning(participations.c.voter_key)
    )
    ballot = insert(ballots).on_conflict_do_nothing(index_elements=["receipt"]).returning(ballots.c.id)
    return participation, ballot


async def _insert_participation(session: AsyncSession, cast: PreparedCast, sealed: str) -> bool:
    """Insert the voter's participation unless it exists; True when this call created it."""
    statement = _upserts(session.get_bind().dialect.name)[0]
    values = {
        "budget_id": cast.budget_id,
        "voter_key": cast.voter_key,
        "sealed_ballot": sealed,
        "idempotency_tag": cast.idempotency_tag,
        "request_tag": cast.request_tag,
    }
    connection = await session.connection()
    return (await connection.execute(statement, values)).first() is not None


async def _locked_participation(session: AsyncSession, budget_id: int, voter_key: str) -> Participation:
    query = (
        select(Participation)
        .where(Participation.budget_id == budget_id, Participation.voter_key == voter_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).one()


async def _insert_ballot(session: AsyncSession, cast: PreparedCast, ballot_id: uuid.UUID) -> None:
    statement = _upserts(session.get_bind().dialect.name)[1]
    values = {
        "id": ballot_id,
        "budget_id": cast.budget_id,
        "config_hash": cast.config_hash,
        "selections": cast.selections,
        "receipt": cast.receipt,
    }
    connection = await session.connection()
    if (await connection.execute(statement, values)).first() is None:
        raise ReceiptReused(
            "this nonce was already used for the same ballot; send a fresh nonce", field="nonce"
        )


async def _replace(
    session: AsyncSession,
    cast: PreparedCast,
    existing: Participation,
    ballot_id: uuid.UUID,
    sealed: str,
    keys: VotingKeys,
) -> None:
    """Revote: remove the current ballot and store the new one, under the participation row's lock."""
    current = keys.open(
        cast.round_id, existing.sealed_ballot, budget_id=cast.budget_id, voter_key=cast.voter_key
    )
    removed = await session.exec(
        delete(Ballot).where(col(Ballot.id) == current.ballot_id, col(Ballot.budget_id) == cast.budget_id)
    )
    if removed.rowcount != 1:
        raise SealBroken("the ballot this voter's participation refers to is missing")
    await _insert_ballot(session, cast, ballot_id)
    existing.sealed_ballot = sealed
    existing.idempotency_tag = cast.idempotency_tag
    existing.request_tag = cast.request_tag
    session.add(existing)
    await session.flush()


async def _replay(
    session: AsyncSession, round_id: int, existing: Participation, keys: VotingKeys
) -> CastResult:
    current = keys.open(
        round_id, existing.sealed_ballot, budget_id=existing.budget_id, voter_key=existing.voter_key
    )
    ballot = await session.get(Ballot, current.ballot_id)
    if ballot is None:
        raise SealBroken("the ballot this voter's participation refers to is missing")
    return CastResult(
        ballot.receipt,
        current.nonce,
        ballot.budget_id,
        ballot.config_hash,
        stored_selections(ballot.selections),
        created=False,
    )
