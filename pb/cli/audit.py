"""``pb audit``: the audit log."""

from __future__ import annotations

import sys

import click

from pb.cli.context import in_transaction, settings


@click.group()
def audit() -> None:
    """Audit log commands."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit status 1 if any entry was edited, removed or reordered."""
    from pb.audit.log import verify

    problems = in_transaction(settings(), verify)
    if problems:
        for p in problems:
            click.echo(f"entry {p.seq}: {p.problem}", err=True)
        sys.exit(1)
    click.echo("audit log intact")
