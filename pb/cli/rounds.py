"""``pb rounds``: budget rounds."""

from __future__ import annotations

import click

from pb.cli.context import in_transaction, now, settings


@click.group()
def rounds() -> None:
    """Budget round commands."""


@rounds.command("advance")
def rounds_advance() -> None:
    """Move every round whose next phase has started (the service also does this by itself)."""
    from pb.lifecycle.phases import advance_by_schedule

    moves = in_transaction(settings(), lambda s: advance_by_schedule(s, now=now()))
    for round_id, phase in moves:
        click.echo(f"round {round_id} -> {phase.value}")
    if not moves:
        click.echo("no round is due to move")
