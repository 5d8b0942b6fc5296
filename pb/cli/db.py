"""``pb db``: the database schema."""

from __future__ import annotations

import click

from pb.cli.context import settings


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from pb.core.migrate import upgrade

    upgrade(settings().database_url, revision)
    click.echo(f"database at {revision}")
