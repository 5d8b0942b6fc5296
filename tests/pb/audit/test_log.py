"""The audit log is append-only and its hash chain reveals edited, removed or reordered entries."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.audit import log as audit
from pb.core.db import create_sessionmaker
from tests.conftest import Clock
from tests.factories import DemoWorld


async def _problems(engine: AsyncEngine) -> list[audit.ChainProblem]:
    async with create_sessionmaker(engine)() as session:
        return await audit.verify(session)


async def _as_superuser(engine: AsyncEngine, *statements: str) -> None:
    """Tamper as a database administrator would: around the append-only triggers."""
    async with engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        else:
            await connection.execute(text("DROP TRIGGER audit_event_no_update"))
            await connection.execute(text("DROP TRIGGER audit_event_no_delete"))
        for statement in statements:
            await connection.execute(text(statement))
        if postgres:
            await connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


async def test_official_actions_leave_an_intact_chain(engine: AsyncEngine, world: DemoWorld) -> None:
    async with engine.connect() as connection:
        actions = (await connection.execute(text("SELECT action FROM audit_event ORDER BY seq"))).scalars().all()

    assert "round.create" in actions and actions.count("budget.create") == 6
    assert await _problems(engine) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET actor = 'x' WHERE seq = 2",
                                       "DELETE FROM audit_event WHERE seq = 2"])
async def test_the_application_cannot_change_or_delete_entries(
    engine: AsyncEngine, world: DemoWorld, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as connection:
            await connection.execute(text(statement))


async def test_an_edited_entry_is_detected(engine: AsyncEngine, world: DemoWorld) -> None:
    await _as_superuser(engine, "UPDATE audit_event SET target = 'round:999' WHERE seq = 3")

    assert [(p.seq, "edited" in p.problem) for p in await _problems(engine)] == [(3, True)]


async def test_a_removed_entry_is_detected(engine: AsyncEngine, world: DemoWorld) -> None:
    await _as_superuser(engine, "DELETE FROM audit_event WHERE seq = 3")

    problems = await _problems(engine)

    assert problems and problems[0].seq == 4


async def test_a_removed_last_entry_is_detected(engine: AsyncEngine, world: DemoWorld) -> None:
    await _as_superuser(engine, "DELETE FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)")

    assert any("truncated" in p.problem for p in await _problems(engine))


async def test_reordered_entries_are_detected(engine: AsyncEngine, world: DemoWorld) -> None:
    await _as_superuser(
        engine,
        "UPDATE audit_event SET seq = -1 WHERE seq = 2",
        "UPDATE audit_event SET seq = 2 WHERE seq = 3",
        "UPDATE audit_event SET seq = 3 WHERE seq = -1",
    )

    assert {p.seq for p in await _problems(engine)} >= {2, 3}


async def test_concurrent_writers_never_fork_the_chain(engine: AsyncEngine, world: DemoWorld, clock: Clock) -> None:
    import asyncio

    async def write(i: int) -> None:
        async with create_sessionmaker(engine)() as session, session.begin():
            await audit.record(session, actor="test", action="test.write", target=f"t:{i}", now=clock())

    await asyncio.gather(*(write(i) for i in range(20)))

    assert await _problems(engine) == []
