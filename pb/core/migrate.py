"""Applying and checking migrations from code (the CLI and the tests use it)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
HAND_WRITTEN = ("proposal_fts", "ix_proposal_fts_")
"""Full-text search objects that migrations write by hand per dialect; model comparison skips them."""


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter for comparing models with a database (autogenerate, drift tests)."""
    return not (name or "").startswith(HAND_WRITTEN)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to run on an up-to-date database."""
    command.upgrade(alembic_config(database_url), revision)
