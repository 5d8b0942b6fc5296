"""S2's last sink: the PostgreSQL server's own log after the scripted election of test_logs.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from litestar import Litestar

from tests.ci import unavailable
from tests.pb.voting.election import Election
from tests.pb.voting.test_logs import _assert_clean, _scripted_election


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: SQLite has no server and no server log."""
    return str(request.param)


def _postgres_log() -> Path | None:
    """The PostgreSQL server's log file, where this machine keeps it (Debian's pg_ctlcluster) or as configured."""
    configured = os.environ.get("PB_TEST_POSTGRES_LOG")
    candidates = [Path(configured)] if configured else sorted(Path("/var/log/postgresql").glob("postgresql-*.log"))
    readable = [path for path in candidates if path.is_file() and os.access(path, os.R_OK)]
    return max(readable, key=lambda path: path.stat().st_mtime) if readable else None


async def test_the_postgresql_server_log_holds_no_identity_token_receipt_or_selection(
    app: Litestar, election: Election, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S2's last sink: the database server's own log, with its errors (log_min_error_statement=error) and their
    statements; pb connects with log_parameter_max_length_on_error=0, and no cast raises a constraint error
    whose detail would quote a receipt."""
    log = _postgres_log()
    if log is None:
        unavailable("the PostgreSQL server log is not readable here (set PB_TEST_POSTGRES_LOG)")
    start = log.stat().st_size

    script = await _scripted_election(app, election, monkeypatch)

    with log.open("rb") as handle:
        handle.seek(start)
        written = handle.read().decode(errors="replace")
    assert "no_such_table" in written, "the forced 500's statement reached the server log"
    _assert_clean(written, script)
