"""pb.voting.driver: Core statements on asyncpg store what SQLAlchemy would, and fail as SQLAlchemy would."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, literal, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.audit.models import CastEvent
from pb.voting.driver import DriverStatement, fetch_row
from pb.voting.models import Ballot
from tests.pb.core.test_db_reconnect import _terminate_backends

BALLOTS: Any = Ballot.__table__  # type: ignore[attr-defined]
EVENTS: Any = CastEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: the driver path exists for asyncpg."""
    return str(request.param)


def _ballot_insert_statement() -> Any:
    return insert(BALLOTS).values(
        id=bindparam("id"), budget_id=bindparam("budget_id"), config_hash=bindparam("config_hash"),
        selections=bindparam("selections"), receipt=bindparam("receipt"),
    ).returning(BALLOTS.c.id)


async def _a_budget(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT min(id) FROM budget"))).scalar_one())


async def test_values_are_stored_as_sqlalchemy_stores_them(backend: str, engine: AsyncEngine, world: object) -> None:
    budget_id = await _a_budget(engine)
    ballot_id = uuid.uuid4()
    moment = datetime(2026, 11, 30, 12, 34, tzinfo=UTC)
    event = insert(EVENTS).values(
        id=bindparam("id"), budget_id=bindparam("budget_id"), action=literal("cast"), status=literal(201),
        at=bindparam("at"),
    ).returning(EVENTS.c.id)
    async with engine.connect() as connection:
        stored = await fetch_row(connection, DriverStatement.compile(_ballot_insert_statement(), engine.dialect), {
            "id": ballot_id, "budget_id": budget_id, "config_hash": "h" * 64,
            "selections": {"B": 2, "A": 1}, "receipt": "r" * 64})
        await fetch_row(connection, DriverStatement.compile(event, engine.dialect),
                        {"id": uuid.uuid4(), "budget_id": budget_id, "at": moment})
        ballot = (await connection.execute(select(BALLOTS).where(BALLOTS.c.id == ballot_id))).one()
        at = (await connection.execute(select(EVENTS.c.at, EVENTS.c.action, EVENTS.c.status))).one()

    assert stored is not None and stored[0] == ballot_id
    assert (ballot.budget_id, ballot.selections, ballot.receipt) == (budget_id, {"A": 1, "B": 2}, "r" * 64)
    assert tuple(at) == (moment, "cast", 201)


async def test_a_constraint_violation_is_an_integrity_error_without_the_values(
    backend: str, engine: AsyncEngine, world: object
) -> None:
    budget_id = await _a_budget(engine)
    statement = DriverStatement.compile(_ballot_insert_statement(), engine.dialect)
    values = {"budget_id": budget_id, "config_hash": "h" * 64, "selections": ["A"], "receipt": "secret-receipt"}
    async with engine.connect() as connection:
        await fetch_row(connection, statement, {**values, "id": uuid.uuid4()})
        with pytest.raises(IntegrityError) as raised:
            await fetch_row(connection, statement, {**values, "id": uuid.uuid4()})
        # The connection is still good after the refused statement.
        assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1

    assert "UniqueViolationError" in str(raised.value)
    assert "secret-receipt" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__context__ is None, "nothing links to the driver's error"


async def test_another_database_error_is_a_dbapi_error_without_details(backend: str, engine: AsyncEngine) -> None:
    statement = DriverStatement.compile(text("SELECT 1 / (:n - :n)").bindparams(n=1), engine.dialect)
    async with engine.connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            await fetch_row(connection, statement, {"n": 1})

    assert "DivisionByZeroError" in str(raised.value)
    assert not raised.value.connection_invalidated


async def test_a_lost_connection_is_invalidated_and_the_next_checkout_works(
    backend: str, engine: AsyncEngine, database_url: str
) -> None:
    statement = DriverStatement.compile(select(literal(1)), engine.dialect)
    async with engine.connect() as connection:
        assert await fetch_row(connection, statement, {}) == (1,)
    assert await _terminate_backends(database_url) >= 1

    async with engine.connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            await fetch_row(connection, statement, {})
    async with engine.connect() as connection:
        after = await fetch_row(connection, statement, {})

    assert raised.value.connection_invalidated
    assert raised.value.__context__ is None
    assert after == (1,)


async def test_rows_come_back_as_sqlalchemy_gives_them(backend: str, engine: AsyncEngine) -> None:
    """Result processors are skipped on this path: the types must already be those the SQLAlchemy path returns."""
    statement = select(literal(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), EVENTS.c.at.type).label("at"),
                       literal(date(1980, 1, 1)).label("day"), literal("x").label("text"))
    async with engine.connect() as connection:
        through_driver = await fetch_row(connection, DriverStatement.compile(statement, engine.dialect), {})
        through_sqlalchemy = (await connection.execute(statement)).one()

    assert through_driver is not None
    assert tuple(through_driver) == tuple(through_sqlalchemy)
    assert through_driver[0].tzinfo is not None


def test_a_parameter_neither_given_nor_compiled_in_is_an_error_not_a_null(engine: AsyncEngine) -> None:
    statement = DriverStatement.compile(select(bindparam("wanted")), engine.dialect)

    with pytest.raises(KeyError, match="wanted"):
        statement.arguments({})
