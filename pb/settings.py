"""The service's configuration: the only place that reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105 (a marker, refused in production)
MIN_SECRET_LENGTH = 32


def default_database_url() -> str:
    """An embedded SQLite file under ./var, so a newcomer needs no server."""
    return f"sqlite+aiosqlite:///{Path('var/pb.sqlite3').resolve()}"


class Settings(BaseSettings):
    """Configuration read from ``PB_*`` environment variables (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="PB_", env_file=".env", extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    """Signs officials' API tokens. In production it must be set, long and not the development value."""
    token_issuer: str = "pb"
    token_audience: str = "pb-api"
    token_ttl_days: int = Field(default=90, ge=1, le=366)
    schedule_interval_s: float = Field(default=30.0, gt=0)
    """How often the service moves rounds along their phase plan."""
    db_pool_size: int = Field(default=10, ge=1)
    db_echo: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_request_body_bytes: int = Field(default=256 * 1024, ge=1024)

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"PB_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} characters "
                    "in production"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
