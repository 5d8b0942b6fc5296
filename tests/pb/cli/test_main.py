"""The pb command line on the embedded database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pb.cli.main import main


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("PB_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("PB_SECRET_KEY", "cli-test-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("PB_ENV", "test")
    return path


def test_demo_loads_tuusula_once_even_when_run_twice(cli_env: Path) -> None:
    runner = CliRunner()

    first = runner.invoke(main, ["demo"])
    second = runner.invoke(main, ["demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    with sqlite3.connect(cli_env) as db:
        assert db.execute("SELECT slug FROM budget_round ORDER BY year").fetchall() == [("tuusula-2026",),
                                                                                    ("tuusula-2027",)]
        assert db.execute("SELECT count(*) FROM budget").fetchone() == (16,)
        names = {row[0] for row in db.execute("SELECT slug FROM network")}
    assert names == {"hyryla", "riihikallio", "jokela", "kellokoski", "luonto-ja-liikunta", "elinkeinoverkosto"}


def test_token_for_an_official_needs_a_municipality(cli_env: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["demo"])

    missing = runner.invoke(main, ["token", "--role", "official", "--subject", "ville"])
    unknown = runner.invoke(main, ["token", "--role", "official", "--subject", "ville", "--municipality", "nowhere"])
    issued = runner.invoke(main, ["token", "--role", "official", "--subject", "ville", "--municipality", "tuusula"])

    assert missing.exit_code == 1 and "municipality" in missing.output
    assert unknown.exit_code == 1 and "does not exist" in unknown.output
    assert issued.exit_code == 0 and issued.stdout.count(".") == 2


def test_revoked_token_is_marked(cli_env: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["demo"])
    runner.invoke(main, ["token", "--role", "admin", "--subject", "root"])
    with sqlite3.connect(cli_env) as db:
        (jti,) = db.execute("SELECT jti FROM api_token").fetchone()

    result = runner.invoke(main, ["revoke-token", jti])

    assert result.exit_code == 0
    with sqlite3.connect(cli_env) as db:
        assert db.execute("SELECT revoked_at IS NOT NULL FROM api_token").fetchone() == (1,)


def test_audit_verify_passes_then_fails_after_tampering(cli_env: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["demo"])

    intact = runner.invoke(main, ["audit", "verify"])
    with sqlite3.connect(cli_env) as db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET actor = 'someone-else' WHERE seq = 2")
    tampered = runner.invoke(main, ["audit", "verify"])

    assert intact.exit_code == 0 and "intact" in intact.output
    assert tampered.exit_code == 1
    assert "entry 2" in tampered.output


def test_rounds_advance_reports_nothing_due_before_the_schedule(cli_env: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["demo"])

    result = runner.invoke(main, ["rounds", "advance"])

    assert result.exit_code == 0
    assert "no round is due" in result.output


def test_bad_configuration_is_a_message_not_a_traceback(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_ENV", "production")
    monkeypatch.setenv("PB_SECRET_KEY", "short")

    result = CliRunner().invoke(main, ["demo"])

    assert result.exit_code == 1
    assert "PB_SECRET_KEY" in result.output
    assert "Traceback" not in result.output
