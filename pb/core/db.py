"""Database engine, sessions and the per-request transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import PbError
from pb.core.settings import Settings

SessionMaker = async_sessionmaker[AsyncSession]
POOL_RECYCLE_S = 1800


def create_engine(settings: Settings) -> AsyncEngine:
    """Build the engine for the configured database; SQLite gets foreign keys and WAL.

    Statement parameters (voter keys, receipts, ballots, session ids) never reach logs or error messages
    (SECURITY.md S2): ``hide_parameters``.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.db_echo, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    # No pre-ping (a round trip on every checkout): a connection the server dropped is detected when it is used;
    # SQLAlchemy then invalidates the whole pool (every older connection is replaced on its next checkout), the
    # request in flight answers 503 with Retry-After (pb.core.errors), and the next requests get fresh connections.
    # Connections are also recycled after POOL_RECYCLE_S, before idle-timeouts of proxies can cut them.
    # The server itself never logs a failed statement's parameters either, whatever its configuration (S2).
    return create_async_engine(
        url, echo=settings.db_echo, pool_size=settings.db_pool_size, pool_pre_ping=False,
        pool_recycle=POOL_RECYCLE_S, max_overflow=10, hide_parameters=True,
        connect_args={"server_settings": {"log_parameter_max_length_on_error": "0"}},
    )


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions lazily, after the first SELECT has already read; take control of BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # SQLite has one writer: taking the write lock at BEGIN makes every transaction serializable, so a
    # read-then-write (the audit chain's head, a voter's participation) can never act on a stale read.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessionmaker: SessionMaker) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler succeeds, rolled back when it raises.

    An error that keeps changes (``PbError.keeps_changes``: a tally that failed after voting closed) is raised
    again once the transaction has committed.
    """
    kept: PbError | None = None
    async with sessionmaker() as session:
        async with session.begin():
            try:
                yield session
            except PbError as error:
                if not error.keeps_changes:
                    raise
                kept = error
        if kept is not None:
            raise kept
