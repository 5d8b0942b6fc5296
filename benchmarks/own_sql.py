"""pb's own SQL for a cast: recorded from what pb sends, turned into a pgbench script that replays it.

The reference of ``benchmarks/cast.py`` is not SQL written by hand (it would drift from pb's): a :class:`Recorder`
on pb's engine keeps every statement pb sends during a cast, with its arguments, at the two places they leave
pb: SQLAlchemy's ``before_cursor_execute`` (and its begin and commit) for what goes through the ORM and Core, and
asyncpg's query logger for what the first-cast path runs on the driver itself. :func:`pgbench_script` turns two
recordings of the same kind of cast (two voters) into a pgbench script for ``-M prepared``, pb's protocol: the
statements' text is pb's, byte for byte, and each ``$n`` becomes a pgbench variable or an expression:

- a value both recordings share (the round, budget, configuration hash, phase, the coarse event time) or a value
  naming a row that existed before the cast (the voter's session row, read as pb reads it) is passed as it was
  recorded, through ``-D``;
- a value new in each cast (voter key of a first cast, sealed ballot, tags, receipt, ballot and event ids) is
  made for each transaction from pgbench's random number, with the same type and length;
- in a revote, the voter's key names a participation row seeded for each pgbench client (so clients do not queue
  on one row, as voters do not), and the ballot the revote replaces is the one that client stored the time
  before (the first replaced id of each client names no row).

The server computes those values with md5 (a microsecond each), which pb computes in Python instead: the reference
is charged for them, never pb.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")
PARAMETER = re.compile(r"\$(\d+)")
RANDOM = "r"
NEXT_BALLOT, PREVIOUS_BALLOT = "next_ballot", "previous_ballot"


@dataclass(frozen=True, slots=True)
class Sent:
    """One statement as pb sent it, with its positional arguments (after SQLAlchemy's bind processing)."""

    sql: str
    args: tuple[Any, ...]


@dataclass
class Recorder:
    """Keeps what pb's engine sends on PostgreSQL, in the order it goes to the server."""

    sent: list[Sent] = field(default_factory=list)

    def attach(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement and runs its statements as prepared
        # ones, which asyncpg's logger does not see; the first-cast path runs on asyncpg without SQLAlchemy.
        event.listen(sync, "begin", lambda _connection: self.sent.append(Sent("BEGIN", ())))
        event.listen(sync, "commit", lambda _connection: self.sent.append(Sent("COMMIT", ())))
        event.listen(sync, "rollback", lambda _connection: self.sent.append(Sent("ROLLBACK", ())))
        event.listen(sync, "before_cursor_execute", self._cursor)
        event.listen(sync, "connect", self._connect)

    def _cursor(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        self.sent.append(Sent(statement, tuple(parameters or ())))

    def _connect(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(self._driver)

    def _driver(self, query: Any) -> None:
        if query.query.strip().rstrip(";").upper() not in TRANSACTION_CONTROL:  # SQLAlchemy's events have those
            self.sent.append(Sent(query.query, tuple(query.args or ())))

    def take(self) -> list[Sent]:
        """What was sent since the last call."""
        taken, self.sent = self.sent, []
        return taken


@dataclass(frozen=True, slots=True)
class Known:
    """Rows that existed before a recorded cast, by the values that name them."""

    sessions: frozenset[str]
    voter_keys: frozenset[str]
    ballot_ids: frozenset[uuid.UUID]


@dataclass(frozen=True, slots=True)
class Script:
    """A pgbench script, its ``-D`` variables, and the seeding it needs (SQL, run once before it)."""

    text: str
    variables: dict[str, str]
    seed: list[tuple[str, tuple[Any, ...]]]
    statements: int


def pgbench_script(first: Sequence[Sent], second: Sequence[Sent], known: Known, *, clients: int) -> Script:
    """The script replaying a kind of cast recorded twice (``first``, ``second``: two voters, same path)."""
    if [s.sql for s in first] != [s.sql for s in second]:
        raise ValueError("the two recordings took different paths: " + " | ".join(
            f"{a.sql[:40]!r} / {b.sql[:40]!r}" for a, b in zip(first, second, strict=False) if a.sql != b.sql))
    variables: dict[str, str] = {}
    seed: list[tuple[str, tuple[Any, ...]]] = []
    # The ballot a client stores is the one its next revote replaces (a client's first replaces none).
    lines = [f"\\set {RANDOM} random(1, 9223372036854775806)", f"\\set {PREVIOUS_BALLOT} :{NEXT_BALLOT}",
             f"\\set {NEXT_BALLOT} random(1, 9223372036854775806)"]
    variables[NEXT_BALLOT] = "0"
    commands = []
    for index, (one, other) in enumerate(zip(first, second, strict=True)):
        if one.sql in TRANSACTION_CONTROL:
            commands.append(one.sql + ";")
            continue
        inserts_ballot = one.sql.lstrip().upper().startswith("INSERT INTO BALLOT ")
        replaced: dict[int, str] = {}
        for position, (value, again) in enumerate(zip(one.args, other.args, strict=True), start=1):
            name = f"p{index}_{position}"
            if isinstance(value, str) and value in known.voter_keys:
                replaced[position] = _client_key(len(value))
                seed.append((SEED_PARTICIPATIONS, (value, clients)))
            elif isinstance(value, uuid.UUID) and value in known.ballot_ids:
                replaced[position] = f"md5(:{PREVIOUS_BALLOT}::text)::uuid"
            elif value is None:
                replaced[position] = "NULL"
            elif value == again or (isinstance(value, str) and value in known.sessions):
                variables[name] = _text(value)
                replaced[position] = f":{name}"
            elif isinstance(value, uuid.UUID) and inserts_ballot:
                replaced[position] = f"md5(:{NEXT_BALLOT}::text)::uuid"  # what the client's next revote replaces
            elif isinstance(value, uuid.UUID):
                replaced[position] = f"md5(:{RANDOM}::text || '{name}')::uuid"
            elif isinstance(value, str):
                replaced[position] = f"rpad(md5(:{RANDOM}::text || '{name}'), {len(value)}, '0')"
            else:
                raise ValueError(f"no way to vary {type(value).__name__} argument ${position} of {one.sql[:60]!r}")
        commands.append(_substituted(one.sql, replaced) + ";")
    text = "\n".join(lines + commands) + "\n"
    return Script(text, variables, sorted(set(seed)), len(commands))


def _substituted(sql: str, replaced: dict[int, str]) -> str:
    """pb's statement with each ``$n`` replaced by its pgbench variable or expression."""

    def one(match: re.Match[str]) -> str:
        return f"({replaced[int(match.group(1))]})"

    return PARAMETER.sub(one, sql)


def _client_key(length: int) -> str:
    """A voter key of the same length, one per pgbench client."""
    return f"rpad(md5('client:' || :client_id::text), {length}, '0')"


SEED_PARTICIPATIONS = (
    "INSERT INTO participation (budget_id, voter_key, sealed_ballot, idempotency_tag, request_tag) "
    "SELECT budget_id, rpad(md5('client:' || c::text), length(voter_key), '0'), sealed_ballot, "
    "rpad(md5('tag:' || c::text), length(idempotency_tag), '0'), "
    "rpad(md5('request:' || c::text), length(request_tag), '0') "
    "FROM participation, generate_series(0, $2::integer - 1) AS c WHERE voter_key = $1 ON CONFLICT DO NOTHING"
)
"""One participation per pgbench client, copied from the recorded voter's ($1), keyed as :func:`_client_key`."""


def _text(value: Any) -> str:
    """How pgbench passes a value (as text, the server casting it as pb's statement says)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
