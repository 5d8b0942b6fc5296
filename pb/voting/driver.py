"""Core statements run on asyncpg itself, for the cast's hot path on PostgreSQL.

SQLAlchemy's execution layer (execution context, result processing, the greenlet bridge) costs about as much CPU
as the driver's whole round trip: measured 270 us against 140 us for a checkout and a one-row SELECT. The cast's
first-ballot path (pb.voting.first_cast) runs its two statements on the pooled connection's asyncpg connection
instead. The statements stay SQLAlchemy Core, compiled once; values pass through the same bind processors
SQLAlchemy would apply (JSON text, UTC datetimes), so what is stored is the same either way.

Errors come back as SQLAlchemy's, so the service's handlers treat them as any other: a constraint violation is
an ``IntegrityError``; a lost connection is a ``DBAPIError`` with ``connection_invalidated`` after the connection
is discarded. Statement parameters are never put in an error (SECURITY.md S2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement

CONNECTION_ERRORS = (asyncpg.PostgresConnectionError, asyncpg.exceptions.InternalClientError, OSError)
"""The connection is unusable: reset or timed out, or its protocol state broken (as when the server ends the
session while a statement is under way); a closed connection counts too, as it does for SQLAlchemy."""


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A Core statement compiled for asyncpg, and how named values become its positional arguments."""

    sql: str
    names: tuple[str, ...]
    literals: Mapping[str, Any]
    """Values compiled into the statement (``literal(...)`` and the like), by parameter name."""
    processors: Mapping[str, Callable[[Any], Any]]

    @classmethod
    def compile(cls, statement: ClauseElement, dialect: Dialect) -> DriverStatement:
        compiled: Any = statement.compile(dialect=dialect)  # a SQLCompiler: positiontup and binds
        names = tuple(compiled.positiontup or ())
        processors = {}
        for name in names:
            kind = compiled.binds[name].type
            processor = kind.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        literals = {
            name: compiled.binds[name].value for name in names if not compiled.binds[name].required
        }
        return cls(str(compiled), names, literals, processors)

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """Positional arguments; KeyError for a parameter neither given nor compiled in (never a silent NULL)."""
        arguments = []
        for name in self.names:
            value = values[name] if name in values else self.literals[name]
            processor = self.processors.get(name)
            arguments.append(processor(value) if processor is not None and value is not None else value)
        return arguments


async def fetch_row(
    connection: AsyncConnection, statement: DriverStatement, values: Mapping[str, Any]
) -> Sequence[Any] | None:
    """The statement's first row (None if it returns none), run on the connection's asyncpg connection, outside
    any transaction: a single statement is its own.

    A lost connection is invalidated (the pool replaces it) and raised as a ``DBAPIError`` with
    ``connection_invalidated``; the caller decides whether to answer 503 or go on through SQLAlchemy, which then
    invalidates the rest of the pool if the server went away.
    """
    raw = await connection.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    arguments = statement.arguments(values)
    failure: Exception
    try:
        row: Sequence[Any] | None = await driver.fetchrow(statement.sql, *arguments)
    except asyncpg.IntegrityConstraintViolationError as exc:
        failure = IntegrityError(statement.sql, None, _stripped(exc), hide_parameters=True)
    except Exception as exc:
        if not (isinstance(exc, CONNECTION_ERRORS) or driver.is_closed()):
            if not isinstance(exc, asyncpg.PostgresError):
                raise
            failure = DBAPIError(statement.sql, None, _stripped(exc), hide_parameters=True)
        else:
            await connection.invalidate(exc)
            failure = DBAPIError(
                statement.sql, None, _stripped(exc), hide_parameters=True, connection_invalidated=True
            )
    else:
        return row
    # Raised here, after the handler: the driver's error (whose message can quote an argument) is then neither
    # the cause nor the context of what callers and logs see.
    raise failure


def _stripped(error: BaseException) -> Exception:
    """The driver's error without the details it may carry (a constraint's key values): its class and SQLSTATE."""
    state = getattr(error, "sqlstate", None)
    return RuntimeError(f"{type(error).__name__}" + (f" (SQLSTATE {state})" if state else ""))
