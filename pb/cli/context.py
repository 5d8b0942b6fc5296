"""What commands that touch the database share: the settings, one committed transaction, the time.

Imported by every such command, so it imports the ORM and the settings only when a command calls it: ``pb tally``
and ``pb verify`` never load them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
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


def in_transaction(config: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; domain errors become a message and exit status 1."""
    from pb.core.db import create_engine, create_sessionmaker, transaction
    from pb.core.errors import PbError

    async def run() -> T:
        engine = create_engine(config)
        try:
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
