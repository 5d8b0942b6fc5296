"""The access log of ``pb serve`` records no query strings: no sign-in ``code`` or ``state`` in logs (S2)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter

from pb.http.accesslog import DropQueryString, strip_query, uvicorn_log_config

SECRET_QUERY = "code=the-secret-code&state=the-secret-state"


def _access_record(target: str) -> logging.LogRecord:
    """A record shaped exactly as uvicorn's HTTP protocols log a response."""
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50000", "GET", target, "1.1", 200), None,
    )


def test_the_filter_removes_code_and_state_from_access_records() -> None:
    record = _access_record(f"/auth/callback?{SECRET_QUERY}")

    assert DropQueryString().filter(record) is True

    message = record.getMessage()
    formatted = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    for line in (message, formatted):
        assert "/auth/callback" in line
        assert "code=" not in line
        assert "state=" not in line
        assert "secret" not in line


def test_the_filter_leaves_other_records_and_plain_paths_alone() -> None:
    plain = _access_record("/budgets/3")
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "started %s", ("x?y",), None)

    assert DropQueryString().filter(plain) and DropQueryString().filter(other)

    assert plain.getMessage() == '127.0.0.1:50000 - "GET /budgets/3 HTTP/1.1" 200'
    assert other.getMessage() == "started x?y"
    assert strip_query("/a?b=c#d") == "/a"
    assert strip_query("/a#d") == "/a"


def test_the_serve_log_config_puts_the_filter_on_the_access_logger() -> None:
    config = uvicorn_log_config()

    assert config["loggers"]["uvicorn.access"]["filters"] == ["drop_query_string"]
    assert config["filters"]["drop_query_string"] == {"()": "pb.http.accesslog.DropQueryString"}
    assert "filters" not in LOGGING_CONFIG["loggers"]["uvicorn.access"]  # uvicorn's own default is left as it was


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_pb_serve_writes_no_query_string_to_its_access_log(tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "PB_ENV": "test", "PB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}",
           "NO_COLOR": "1"}
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", "from pb.cli.main import main; main()", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )
    try:
        deadline, answered = time.monotonic() + 20, None
        while answered is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/auth/callback?{SECRET_QUERY}", timeout=2)
            except httpx.TransportError:
                time.sleep(0.1)
        assert answered is not None, f"pb serve did not answer: {log_path.read_text(errors='replace')[-2000:]}"
        deadline = time.monotonic() + 5
        while "/auth/callback" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)

    output = log_path.read_text(errors="replace")
    access_lines = [line for line in output.splitlines() if "/auth/callback" in line]
    assert access_lines, output
    assert all("GET /auth/callback HTTP/1.1" in line for line in access_lines), access_lines
    assert "code=" not in output
    assert "state=" not in output
    assert "the-secret" not in output
