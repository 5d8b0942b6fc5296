"""``pb serve``: migrate, then serve the API and the pages with N worker processes (pb.cli.workers)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from pb.cli.context import settings
from pb.cli.demo import load_demo

if TYPE_CHECKING:
    from pb.core.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo", is_flag=True, help="Load the demo municipality first (idempotent).")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Serve the API (migrating the database first)."""
    from pb.cli.workers import serve as serve_workers
    from pb.core.migrate import upgrade
    from pb.http.accesslog import uvicorn_log_config

    config = settings()
    upgrade(config.database_url)
    if demo:
        load_demo(config)
    _share_development_keys(config)
    # Sign-in redirects come back to where this server listens unless a public URL is configured.
    os.environ.setdefault("PB_PUBLIC_URL", f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}")
    # The access log leaves out query strings: the sign-in callback's code and state must not reach logs (S2).
    serve_workers("pb.asgi:create", factory=True, host=host, port=port, workers=workers,
                  log_level=config.log_level.lower(), proxy_headers=False, log_config=uvicorn_log_config())


def _share_development_keys(config: Settings) -> None:
    """Hand the keys made up for this run to every worker, so a token one worker signs the others accept.

    Production configures its keys; outside it, each process would otherwise generate its own.
    """
    for variable, secret in (
        ("PB_SESSION_PRIVATE_KEY", config.session_private_key),
        ("PB_RESULTS_SIGNING_KEY", config.results_signing_key),
    ):
        os.environ.setdefault(variable, secret.get_secret_value())
