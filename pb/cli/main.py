"""The ``pb`` command line: serve, migrate, load the demo, issue tokens, verify the audit log, tally files.

Each command's module is imported only when that command runs (or when help lists them all): ``pb tally`` and
``pb verify`` load ``ballots/`` and never the web framework or the ORM, so they start in a fraction of a second.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

COMMANDS = {
    "db": "pb.cli.db:db",
    "serve": "pb.cli.serve:serve",
    "demo": "pb.cli.demo:demo",
    "token": "pb.cli.tokens:token",
    "revoke-token": "pb.cli.tokens:revoke_token",
    "audit": "pb.cli.audit:audit",
    "rounds": "pb.cli.rounds:rounds",
    "tally": "pb.cli.tally:tally",
    "verify": "pb.cli.verify:verify",
    "export": "pb.cli.export:export",
}
"""Command name -> ``module:attribute`` of its click command."""


class LazyCommands(dict[str, click.Command]):
    """The group's commands, each imported on first look-up by name."""

    def __missing__(self, name: str) -> click.Command:
        if name not in COMMANDS:
            raise KeyError(name)
        module, _, attribute = COMMANDS[name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[name]} is not a click command")
        self[name] = command
        return command


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            return self.commands[cmd_name]
        except KeyError:
            return None


@click.group(cls=LazyGroup)
def main() -> None:
    """Participatory budgeting for Finnish municipalities."""
