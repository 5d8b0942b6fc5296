"""Configuration: read from PB_* variables; production refuses weak secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pb.core.settings import DEVELOPMENT_SECRET, Settings


def test_defaults_to_an_embedded_sqlite_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PB_DATABASE_URL", raising=False)

    assert Settings(_env_file=None).database_url.startswith("sqlite+aiosqlite:///")


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_DATABASE_URL", "postgresql+asyncpg://pb@db/pb")
    monkeypatch.setenv("PB_ENV", "test")

    settings = Settings(_env_file=None)

    assert settings.database_url == "postgresql+asyncpg://pb@db/pb"
    assert settings.env == "test"


@pytest.mark.parametrize("secret", [None, DEVELOPMENT_SECRET, "short"])
def test_production_refuses_a_default_missing_or_weak_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("PB_ENV", "production")
    if secret is None:
        monkeypatch.delenv("PB_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("PB_SECRET_KEY", secret)

    with pytest.raises(ValidationError, match="PB_SECRET_KEY"):
        Settings(_env_file=None)


def test_secret_never_appears_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_SECRET_KEY", "a-very-secret-value-that-must-not-leak-0123")

    settings = Settings(_env_file=None)

    assert "a-very-secret-value" not in repr(settings)
    assert "a-very-secret-value" not in str(settings.model_dump())
