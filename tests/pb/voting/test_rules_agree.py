"""The first cast's SQL (pb.voting.first_cast) and the full cast (pb.voting.service) judge a round alike.

Every combination of the round's phase, whether the cast's configuration hash is the round's, whether the round's
municipality is still the one the cast knows, and where the database's clock stands against the voting window
(no window; before it opens; inside it; after it ends) is set up in the database, then judged by the full cast
(on both databases) and by the first cast's statement (PostgreSQL, the only database that runs it), each in a
transaction rolled back afterwards. The full cast is authoritative; the statement must accept exactly what it
accepts.
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from pb.audit.models import coarse_time
from pb.auth.identity import Resident
from pb.core.db import create_sessionmaker
from pb.core.errors import PbError
from pb.core.models import PHASES, BudgetRound, Municipality, Phase, RoundPhase
from pb.core.settings import Settings
from pb.rounds.config import round_config
from pb.rounds.frozen_config import config_hash
from pb.voting import service
from pb.voting.cache import VotingCache
from pb.voting.first_cast import _statement
from pb.voting.keys import VotingKeys
from pb.voting.prepared import CastRequest
from pb.voting.schemas import BallotCast
from tests.conftest import Clock
from tests.factories import DemoWorld
from tests.pb.auth.helpers import sign_in
from tests.pb.voting.election import Election

BUDGET = "luonto-ja-liikunta"
WINDOWS = ("none", "before", "inside", "after")
OTHER_HASH = "f" * 64
OTHER_CODE = "999"


@dataclass(frozen=True)
class Case:
    phase: Phase
    hash_matches: bool
    same_municipality: bool
    window: str

    @property
    def open(self) -> bool:
        """What both must answer: only a voting round, under the cast's hash and municipality, before its end."""
        return self.phase is Phase.VOTING and self.hash_matches and self.same_municipality and self.window != "after"


CASES = [Case(*values) for values in itertools.product(PHASES, (True, False), (True, False), WINDOWS)]


def _window(window: str, database_now: datetime) -> tuple[datetime, datetime] | None:
    """The voting window, placed against the database's clock (which judges it, SECURITY.md C4)."""
    day = timedelta(days=1)
    return {
        "none": None,
        "before": (database_now + day, database_now + 2 * day),
        "inside": (database_now - day, database_now + day),
        "after": (database_now - 2 * day, database_now - timedelta(hours=1)),
    }[window]


async def _arrange(
    engine: AsyncEngine, election: Election, world: DemoWorld, case: Case
) -> tuple[str, datetime | None]:
    """Put the round in the case's state; returns the hash the cast carries and the window's end as frozen."""
    async with engine.begin() as connection:
        database_now = (await connection.execute(text("SELECT CURRENT_TIMESTAMP"))).scalar_one()
    if isinstance(database_now, str):  # SQLite
        database_now = datetime.fromisoformat(database_now).replace(tzinfo=UTC)
    window = _window(case.window, database_now)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        await session.exec(delete(RoundPhase).where(
            col(RoundPhase.round_id) == election.round_id, col(RoundPhase.phase) == Phase.VOTING.value))
        if window is not None:
            session.add(RoundPhase(round_id=election.round_id, phase=Phase.VOTING.value, starts_at=window[0],
                                   ends_at=window[1]))
        await session.exec(update(Municipality).where(
            col(Municipality.id) == world.municipality_id).values(code="858" if case.same_municipality else OTHER_CODE))
    async with sessionmaker() as session, session.begin():
        budget_round = await session.get(BudgetRound, election.round_id)
        assert budget_round is not None
        frozen = config_hash(await round_config(session, budget_round))
        await session.exec(update(BudgetRound).where(
            col(BudgetRound.id) == election.round_id).values(phase=case.phase.value, config_hash=frozen))
    return (frozen if case.hash_matches else OTHER_HASH), (window[1] if window is not None else None)


async def _full_cast_accepts(
    engine: AsyncEngine, settings: Settings, clock: Clock, election: Election, voter: Resident, carried: str
) -> bool:
    request = CastRequest(election.budgets[BUDGET], voter.session_id,
                          BallotCast(selections=["A"], config_hash=carried), None, clock())
    async with create_sessionmaker(engine)() as session:
        await session.begin()
        try:
            await service.cast_ballot(session, request, keys=VotingKeys(settings.voter_key_master),
                                      cache=VotingCache())
        except PbError:
            return False
        finally:
            await session.rollback()
    return True


async def _statement_accepts(
    engine: AsyncEngine, election: Election, known_hash: str, ends_at: datetime | None
) -> bool:
    """The first cast's statement run with what a process that saw the round open knows of it."""
    values: dict[str, Any] = {
        "round_id": election.round_id, "municipality_code": "858", "frozen_hash": known_hash, "ends_at": ends_at,
        "budget_id": election.budgets[BUDGET], "voter_key": secrets.token_hex(32), "sealed_ballot": "sealed",
        "idempotency_tag": None, "request_tag": secrets.token_hex(32), "ballot_id": uuid.uuid4(),
        "config_hash": known_hash, "selections": ["A"], "receipt": secrets.token_hex(32),
        "at": coarse_time(datetime.now(UTC)),
    }
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            outcome = (await connection.execute(_statement(windowed=ends_at is not None), values)).one()
        finally:
            await transaction.rollback()
    return bool(outcome[0])


async def test_the_first_cast_statement_and_the_full_cast_agree_on_every_case(
    engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld, election: Election
) -> None:
    _, voter = await sign_in(engine, settings, clock, national_id=None)
    disagreements = []
    for case in CASES:
        carried, ends_at = await _arrange(engine, election, world, case)
        answers = {"full cast": await _full_cast_accepts(engine, settings, clock, election, voter, carried)}
        if engine.dialect.name == "postgresql":
            answers["statement"] = await _statement_accepts(engine, election, carried, ends_at)
        if set(answers.values()) != {case.open}:
            disagreements.append((case, answers))

    assert len(CASES) == 8 * 2 * 2 * 4
    assert sum(c.open for c in CASES) == 3
    assert disagreements == []
