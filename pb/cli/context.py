"""What commands that touch the database share: the settings, one committed transaction, the time.

Imported by every such command, so it imports the ORM and the settings only when a command calls it: ``pb tally``
and ``pb verify`` never load them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlmodel.ext.asyncio.session import AsyncSession

    from pb.core.settings import Settings

T = TypeVar("T")


def settings() -> Settings:
    from pydantic import ValidationError

    from pb.core.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        raise click.ClickException(f"configuration error: {exc.errors()[0]['msg']}") from exc


def shown_url(config: Settings) -> str:
    """The database URL without its password, to name the database in a message."""
    from sqlalchemy.engine import make_url

    return make_url(config.database_url).render_as_string(hide_password=True)


async def check_ready(engine: AsyncEngine, config: Settings) -> None:
    """Refuse, in one line, a database that cannot be reached or is not at this pb's migration head."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from pb.core.migrate import alembic_config

    url = make_url(config.database_url)
    file = url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None
    if file is not None and not await asyncio.to_thread(Path(file).exists):
        raise click.ClickException(f"no database at {url.database}: run `pb db upgrade` (or `pb demo`) first")
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    except (DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise click.ClickException(f"cannot reach the database at {shown_url(config)}: {reason}") from exc
    head = ScriptDirectory.from_config(alembic_config(config.database_url)).get_current_head()
    if current is None:
        raise click.ClickException(f"the database at {shown_url(config)} is not set up: run `pb db upgrade` first")
    if current != head:
        raise click.ClickException(
            f"the database at {shown_url(config)} is at migration {current}, this pb needs {head}: "
            "run `pb db upgrade`"
        )


def in_transaction(config: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction on a ready database; domain errors become a message and exit 1."""
    from pb.core.db import create_engine, create_sessionmaker, transaction
    from pb.core.errors import PbError

    async def run() -> T:
        engine = create_engine(config)
        try:
            await check_ready(engine, config)
            async with transaction(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except PbError as exc:
        raise click.ClickException(exc.detail) from exc


def now() -> datetime:
    return datetime.now(UTC)
