"""A resident's first ballot in a budget, on PostgreSQL: the session row read, then one autocommitted statement.

Most casts are a voter's first in a budget while voting is open. For those, the full transaction of
:func:`pb.voting.service.cast_ballot` (BEGIN, the round lock, the insert, COMMIT: four round trips) is replaced
by two statements, neither inside an explicit transaction:

1. the session row (revocation, expiry, eligibility claims), by its primary key;
2. one statement that locks the round FOR SHARE only if it is still voting under the same frozen configuration,
   municipality and window (judged by the database's clock), inserts the participation unless the voter has
   one, the ballot only if the participation is new, and the cast event only if the ballot was stored.

The statement is atomic on its own, so it keeps every guarantee of the transaction: the participation's primary
key still makes one counted ballot per voter, an official's close (FOR UPDATE on the round) still waits for casts
in flight, and a cast after the close finds the round no longer voting. A receipt that is already taken aborts
the statement (plain INSERT), so a participation is never stored without its ballot; a receipt taken before the
statement began is found by a NOT EXISTS instead, so only a race between two such casts reaches the key.

Whatever is not the plain case (a budget this app has not seen open, a stale configuration, an ineligible
resident, an invalid ballot, a voter who already has a ballot, a closed round, a receipt clash, a connection the
server had dropped) returns None, having stored nothing, and the caller runs the full transaction, which answers
it exactly. Reading the
session outside the cast's statement means a session revoked in the microseconds between the two still casts,
as it would had the revocation come just after.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, exists, func, literal, null
from sqlalchemy import select as sql_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.audit.models import CastAction, CastEvent, coarse_time
from pb.auth.sessions import SESSION_ROW, session_from_row
from pb.core.errors import PbError
from pb.core.models import Budget, BudgetRound, Municipality, Phase
from pb.voting.cache import OpenBudget, VotingCache
from pb.voting.driver import DriverStatement, fetch_row
from pb.voting.keys import VotingKeys
from pb.voting.models import Ballot, Participation
from pb.voting.prepared import CastRequest, CastResult, eligibility, prepare_cast, sealed_new_ballot

PARTICIPATION_COLUMNS = ["budget_id", "voter_key", "sealed_ballot", "idempotency_tag", "request_tag"]
BALLOT_COLUMNS = ["id", "budget_id", "config_hash", "selections", "receipt"]


async def try_first_cast(
    engine: AsyncEngine, request: CastRequest, *, keys: VotingKeys, cache: VotingCache
) -> CastResult | None:
    """Store a first ballot in two statements; None when the full transaction must decide (nothing stored)."""
    known = cache.open_budget(request.budget_id)
    if known is None or known.frozen.config_hash != request.data.config_hash or engine.dialect.driver != "asyncpg":
        return None
    try:
        return await _first_cast(engine, known, request, keys, cache)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # A connection the server had dropped (a restart, a failover): the full cast runs on another, and
        # SQLAlchemy invalidates what is left of the pool if the server went away. Had the statement been
        # committed before the connection broke, the full cast finds the participation and answers as for a
        # retry (the same receipt again under the same Idempotency-Key).
        return None


async def _first_cast(
    engine: AsyncEngine, known: OpenBudget, request: CastRequest, keys: VotingKeys, cache: VotingCache
) -> CastResult | None:
    budget_id, session_id, now = request.budget_id, request.session_id, request.now
    frozen = known.frozen
    budget = frozen.budgets[budget_id]
    dialect = engine.dialect
    async with engine.connect() as connection:
        row = await fetch_row(connection, _compiled(SESSION_ROW, dialect), {"session_id": session_id})
        voter = session_from_row(session_id, row, now=now)  # a revoked or expired session is a 401 here
        verdict = eligibility(frozen, budget, voter, municipality_code=known.municipality_code, now=now)
        if not verdict.eligible:
            return None
        try:
            cast = prepare_cast(frozen, budget, voter, request.data, request.idempotency_key, keys)
        except PbError:
            return None  # an invalid ballot: the full cast says why, after the phase (which comes first)
        ballot_id, sealed = sealed_new_ballot(keys, cast)
        values = {
            "round_id": frozen.round_id,
            "municipality_code": known.municipality_code,
            "frozen_hash": frozen.config_hash,
            "ends_at": frozen.voting_ends_at,
            "budget_id": budget_id,
            "voter_key": cast.voter_key,
            "sealed_ballot": sealed,
            "idempotency_tag": cast.idempotency_tag,
            "request_tag": cast.request_tag,
            "ballot_id": ballot_id,
            "config_hash": cast.config_hash,
            "selections": cast.selections,
            "receipt": cast.receipt,
            "at": coarse_time(now),
        }
        statement = _compiled(_statement(windowed=frozen.voting_ends_at is not None), dialect)
        try:
            outcome = await fetch_row(connection, statement, values)
        except IntegrityError:
            return None  # the receipt is taken: the statement stored nothing
    if outcome is None or not outcome[0]:
        cache.forget_budget(budget_id)  # closed, or no longer as known: later casts go straight to the full cast
        return None
    if not all(outcome):
        return None  # the voter has a participation already, or the receipt is taken
    return CastResult(cast.receipt, cast.nonce, budget_id, cast.config_hash, cast.selections, created=True)


@functools.lru_cache(maxsize=16)
def _compiled(statement: Any, dialect: Dialect) -> DriverStatement:
    return DriverStatement.compile(statement, dialect)


@functools.cache
def _statement(*, windowed: bool) -> Any:
    """The round lock and the three inserts as CTEs of one statement; answers (round open, participation new,
    ballot and event stored). Built once per variant.

    Its round conditions (phase voting, the frozen hash, the municipality, the database's clock before the end
    of voting) restate the full cast's (:func:`pb.voting.service.cast_ballot`), which is authoritative: this
    statement accepts nothing the full cast would refuse, since a refusal here only sends the cast there.
    tests/pb/voting/test_rules_agree.py proves both answer alike for every combination of the four.
    """
    rounds: Any = BudgetRound.__table__  # type: ignore[attr-defined]
    municipalities: Any = Municipality.__table__  # type: ignore[attr-defined]
    participations: Any = Participation.__table__  # type: ignore[attr-defined]
    ballots: Any = Ballot.__table__  # type: ignore[attr-defined]
    events: Any = CastEvent.__table__  # type: ignore[attr-defined]
    budgets: Any = Budget.__table__  # type: ignore[attr-defined]
    conditions = [
        rounds.c.id == bindparam("round_id"),
        budgets.c.id == bindparam("budget_id"),
        rounds.c.phase == Phase.VOTING.value,
        rounds.c.config_hash == bindparam("frozen_hash", type_=rounds.c.config_hash.type),
        municipalities.c.code == bindparam("municipality_code", type_=municipalities.c.code.type),
    ]
    if windowed:
        conditions.append(func.now() < bindparam("ends_at", type_=events.c.at.type))
    open_round = (
        sql_select(rounds.c.id)
        .join(budgets, budgets.c.round_id == rounds.c.id)
        .join(municipalities, municipalities.c.id == rounds.c.municipality_id)
        .where(*conditions)
        .with_for_update(read=True, of=rounds)
        .cte("open_round")
    )
    participation = (
        pg_insert(participations)
        .from_select(
            PARTICIPATION_COLUMNS,
            sql_select(
                *(_param(participations, column) for column in PARTICIPATION_COLUMNS)
            ).where(
                exists(sql_select(open_round.c.id)),
                # A taken receipt is found here rather than by the ballot's unique key, whose violation the
                # server would log with the receipt (SECURITY.md S2); the key still decides a race.
                ~exists(sql_select(ballots.c.id).where(ballots.c.receipt == bindparam("receipt"))),
            ),
        )
        .on_conflict_do_nothing(index_elements=["budget_id", "voter_key"])
        .returning(participations.c.voter_key)
        .cte("new_participation")
    )
    ballot = (
        pg_insert(ballots)
        .from_select(
            BALLOT_COLUMNS,
            sql_select(
                *(_param(ballots, column, "ballot_id" if column == "id" else column) for column in BALLOT_COLUMNS)
            ).where(exists(sql_select(participation.c.voter_key))),
        )
        .returning(ballots.c.id)
        .cte("new_ballot")
    )
    event = (
        pg_insert(events)
        .from_select(
            ["id", "budget_id", "action", "status", "code", "at"],
            sql_select(
                func.gen_random_uuid(),
                bindparam("budget_id", type_=events.c.budget_id.type),
                literal(CastAction.CAST.value, events.c.action.type),
                literal(201, events.c.status.type),
                null(),
                bindparam("at", type_=events.c.at.type),
            ).where(exists(sql_select(ballot.c.id))),
        )
        .returning(events.c.id)
        .cte("new_event")
    )
    return sql_select(
        exists(sql_select(open_round.c.id)),
        exists(sql_select(participation.c.voter_key)),
        exists(sql_select(event.c.id)),
    )


def _param(table: Any, column: str, name: str | None = None) -> Any:
    """A bound parameter typed as ``table``'s ``column`` (named after it unless ``name`` is given)."""
    return bindparam(name or column, type_=table.c[column].type)
