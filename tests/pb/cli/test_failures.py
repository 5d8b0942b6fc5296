"""Expected failures of the command line are one line and a non-zero exit status, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result

from pb.cli.main import main
from pb.core.migrate import alembic_config, upgrade
from pb.core.settings import Settings, default_database_url, default_dev_keys_dir


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PB_SECRET_KEY", "cli-test-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("PB_ENV", "test")
    return tmp_path


def _use(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("PB_DATABASE_URL", f"sqlite+aiosqlite:///{path}")


def _one_line_failure(result: Result, *, status: int = 1) -> str:
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_the_default_database_is_one_place_whatever_the_working_directory(
    env: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PB_DATABASE_URL", raising=False)
    monkeypatch.chdir(env)
    here = (default_database_url(), default_dev_keys_dir(), Settings().database_url)
    (env / "elsewhere").mkdir()
    monkeypatch.chdir(env / "elsewhere")

    assert (default_database_url(), default_dev_keys_dir(), Settings().database_url) == here
    assert Path(here[0].removeprefix("sqlite+aiosqlite:///")).is_absolute()
    assert here[1].is_absolute()


def test_a_missing_database_is_named_and_not_created(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = env / "nothing-here.sqlite3"
    _use(monkeypatch, path)

    line = _one_line_failure(CliRunner().invoke(main, ["audit", "verify"]))

    assert str(path) in line and "pb db upgrade" in line
    assert not path.exists()


def test_an_unmigrated_database_says_to_upgrade(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = env / "empty.sqlite3"
    sqlite3.connect(path).close()
    _use(monkeypatch, path)

    line = _one_line_failure(CliRunner().invoke(main, ["rounds", "advance"]))

    assert "is not set up" in line and "pb db upgrade" in line


def test_a_database_behind_the_migrations_says_which_it_is_at(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = env / "old.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    scripts = ScriptDirectory.from_config(alembic_config(url))
    head = scripts.get_revision(str(scripts.get_current_head()))
    assert head is not None and isinstance(head.down_revision, str)
    upgrade(url, head.down_revision)
    _use(monkeypatch, path)

    line = _one_line_failure(CliRunner().invoke(main, ["audit", "verify"]))

    assert head.down_revision in line and head.revision in line and "pb db upgrade" in line


def test_an_unreachable_database_server_is_one_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_DATABASE_URL", "postgresql+asyncpg://pb:secret-password@127.0.0.1:1/pb")

    line = _one_line_failure(CliRunner().invoke(main, ["audit", "verify"]))

    assert "cannot reach the database at postgresql+asyncpg://pb:***@127.0.0.1:1/pb" in line
    assert "secret-password" not in line


def test_export_takes_a_round_slug_and_names_an_unknown_one(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, env / "demo.sqlite3")
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0

    unknown = _one_line_failure(runner.invoke(main, ["export", "no-such-round", "--out", str(env)]))
    unpublished = _one_line_failure(runner.invoke(main, ["export", "tuusula/tuusula-2027", "--out", str(env)]))
    by_id = _one_line_failure(runner.invoke(main, ["export", "999999", "--out", str(env)]))

    assert "no round is called 'no-such-round'" in unknown
    assert "tuusula-2027 has no published results yet" in unpublished
    assert "999999" in by_id
