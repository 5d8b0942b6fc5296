"""Migrations and models agree, and migrations go down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import pb.app  # noqa: F401  (imports every slice, so all tables are on the metadata)
from pb.core.migrate import alembic_config, include_name, upgrade


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True, "include_name": include_name}
    )
    return list(compare_metadata(context, SQLModel.metadata))


async def test_models_and_migrations_do_not_drift(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        diff = await connection.run_sync(_diff)

    assert diff == []


async def test_downgrade_to_base_and_upgrade_again(engine: AsyncEngine, database_url: str) -> None:
    import asyncio

    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "base")
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}

    await asyncio.to_thread(upgrade, database_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
