"""The ``pb`` command line: serve, migrate, load the demo, issue tokens, verify the audit log, tally files."""

from __future__ import annotations

import click

from pb.cli.audit import audit
from pb.cli.db import db
from pb.cli.demo import demo
from pb.cli.export import export
from pb.cli.rounds import rounds
from pb.cli.serve import serve
from pb.cli.tally import tally
from pb.cli.tokens import revoke_token, token
from pb.cli.verify import verify


@click.group()
def main() -> None:
    """Participatory budgeting for Finnish municipalities."""


for command in (db, serve, demo, token, revoke_token, audit, rounds, tally, verify, export):
    main.add_command(command)
