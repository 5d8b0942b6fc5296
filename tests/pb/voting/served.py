"""A test-only ASGI factory for app processes started by the concurrency tests: pb as served in production,
with the per-process cast rate limit lifted so that one resident's 200 casts reach the database."""

from __future__ import annotations

from litestar import Litestar

from pb.asgi import create


def create_unlimited() -> Litestar:
    app = create()
    app.state.cast_rate_per_minute = 1_000_000
    return app
