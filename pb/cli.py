"""The ``pb`` command line: serve, migrate, load the demo, issue tokens, verify the audit log, tally files."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import click
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.errors import PbError
from pb.results.commands import export as results_export
from pb.results.commands import verify as results_verify
from pb.settings import Settings
from pb.tally_command import tally

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise click.ClickException(f"configuration error: {exc.errors()[0]['msg']}") from exc


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; domain errors become a message and exit status 1."""
    from pb.db import create_engine, create_sessionmaker, transaction

    async def run() -> T:
        engine = create_engine(settings)
        try:
            async with transaction(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except PbError as exc:
        raise click.ClickException(exc.detail) from exc


def _now() -> datetime:
    return datetime.now(UTC)


@click.group()
def main() -> None:
    """Participatory budgeting for Finnish municipalities."""


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from pb.migrate import upgrade

    upgrade(_settings().database_url, revision)
    click.echo(f"database at {revision}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo", is_flag=True, help="Load the demo municipality first (idempotent).")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Serve the API (migrating the database first)."""
    from pb.accesslog import uvicorn_log_config
    from pb.migrate import upgrade
    from pb.serve import serve as serve_workers

    settings = _settings()
    upgrade(settings.database_url)
    if demo:
        _load_demo(settings)
    _share_development_keys(settings)
    # Sign-in redirects come back to where this server listens unless a public URL is configured.
    os.environ.setdefault("PB_PUBLIC_URL", f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}")
    # The access log leaves out query strings: the sign-in callback's code and state must not reach logs (S2).
    serve_workers("pb.asgi:create", factory=True, host=host, port=port, workers=workers,
                  log_level=settings.log_level.lower(), proxy_headers=False, log_config=uvicorn_log_config())


def _share_development_keys(settings: Settings) -> None:
    """Hand the keys made up for this run to every worker, so a token one worker signs the others accept.

    Production configures its keys; outside it, each process would otherwise generate its own.
    """
    for variable, secret in (
        ("PB_SESSION_PRIVATE_KEY", settings.session_private_key),
        ("PB_RESULTS_SIGNING_KEY", settings.results_signing_key),
    ):
        os.environ.setdefault(variable, secret.get_secret_value())


def _load_demo(settings: Settings) -> None:
    from pb.demo.loader import load_demo

    budget_round = _in_transaction(settings, lambda s: load_demo(s, settings=settings, now=_now()))
    click.echo(f"demo loaded: round {budget_round.slug} (id {budget_round.id})")


@main.command()
def demo() -> None:
    """Load the demo municipality (Tuusula, its networks, and its 2027 round open for voting)."""
    from pb.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    _load_demo(settings)


@main.command()
@click.option("--role", type=click.Choice(["admin", "official", "coordinator", "resident", "researcher", "auditor"]),
              required=True)
@click.option("--subject", required=True, help="Who the token is for, e.g. an official's e-mail.")
@click.option("--municipality", help="Slug, code or id; officials need one.")
@click.option("--network", type=int, help="Network id; coordinators need one.")
@click.option("--days", type=click.IntRange(1, 366), help="Lifetime in days.")
def token(role: str, subject: str, municipality: str | None, network: int | None, days: int | None) -> None:
    """Issue an API token and print it (once: it is not stored)."""
    from pb.auth.tokens import issue_token
    from pb.models import Role
    from pb.municipalities.service import find_municipality

    settings = _settings()

    async def work(session: AsyncSession) -> str:
        municipality_id = (await find_municipality(session, municipality)).id if municipality else None
        encoded, record = await issue_token(
            session, settings, subject=subject, role=Role(role), now=_now(), municipality_id=municipality_id,
            network_id=network, ttl=timedelta(days=days) if days else None,
        )
        click.echo(f"token id {record.jti}, expires {record.expires_at:%Y-%m-%d}", err=True)
        return encoded

    click.echo(_in_transaction(settings, work))


@main.command("revoke-token")
@click.argument("jti")
def revoke_token(jti: str) -> None:
    """Revoke the API token with id JTI."""
    from pb.auth.tokens import revoke_token as revoke

    _in_transaction(_settings(), lambda s: revoke(s, jti=jti, now=_now()))
    click.echo(f"token {jti} revoked")


@main.group()
def audit() -> None:
    """Audit log commands."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit status 1 if any entry was edited, removed or reordered."""
    from pb.audit import verify

    problems = _in_transaction(_settings(), verify)
    if problems:
        for p in problems:
            click.echo(f"entry {p.seq}: {p.problem}", err=True)
        sys.exit(1)
    click.echo("audit log intact")


@main.group()
def rounds() -> None:
    """Budget round commands."""


@rounds.command("advance")
def rounds_advance() -> None:
    """Move every round whose next phase has started (the service also does this by itself)."""
    from pb.rounds.phases import advance_by_schedule

    moves = _in_transaction(_settings(), lambda s: advance_by_schedule(s, now=_now()))
    for round_id, phase in moves:
        click.echo(f"round {round_id} -> {phase.value}")
    if not moves:
        click.echo("no round is due to move")


main.add_command(tally)
main.add_command(results_verify)
main.add_command(results_export)
