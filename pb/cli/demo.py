"""``pb demo``: load the demo municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pb.cli.context import in_transaction, now, settings

if TYPE_CHECKING:
    from pb.core.settings import Settings


def load_demo(config: Settings) -> None:
    from pb.demo.loader import load_demo as load

    budget_round = in_transaction(config, lambda s: load(s, settings=config, now=now()))
    click.echo(f"demo loaded: round {budget_round.slug} (id {budget_round.id})")


@click.command()
def demo() -> None:
    """Load the demo municipality (Tuusula, its networks, and its 2027 round open for voting)."""
    from pb.core.migrate import upgrade

    config = settings()
    upgrade(config.database_url)
    load_demo(config)
