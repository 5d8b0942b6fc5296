"""Fixtures for service tests: the demo world on a fresh database, a copy of the living demo loaded once per run
(``demo_database_url``), and an HTTPS client for cookie flows.

The living demo is loaded at ``demo_anchor``: today's date at 09:00 UTC, so that its open round's voting window
lies around the real date whichever day the suite runs. Casting judges that window by the database's clock
(pb.voting), which no test can move: a demo loaded at a fixed moment would refuse every ballot once the real date
passed its window's end. ``PB_TEST_DEMO_ANCHOR`` (an ISO 8601 date or timezone-aware datetime) loads it at
another moment instead, to see how the demo's tests fare when the demo and the database's clock disagree:

    PB_TEST_DEMO_ANCHOR=$(date -u -d "-30 days" +%F) pytest tests/pb/demo   # casting fails: voting ended
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.db import create_engine, create_sessionmaker
from pb.core.settings import Settings
from pb.demo.loader import load_demo
from tests.conftest import POSTGRES_URL, RUN_ID, TEST_SECRET, Clock, _admin_execute, asgi_transport, fresh_database
from tests.factories import DemoWorld, demo_world


@pytest.fixture
async def world(engine: AsyncEngine, clock: Clock) -> DemoWorld:
    return await demo_world(engine, now=clock())


@pytest.fixture
async def browser(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https://pb.test (so Secure cookies round-trip), driving the app in-process."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http


DEMO_ANCHOR_ENV = "PB_TEST_DEMO_ANCHOR"
DEMO_HOUR = time(9, 0, tzinfo=UTC)


def demo_anchor_from(value: str | None, *, today: date) -> datetime:
    """The moment the demo is loaded at: ``value`` (a date means 09:00 UTC that day), else ``today`` at 09:00 UTC."""
    if not value:
        return datetime.combine(today, DEMO_HOUR)
    if "T" not in value and " " not in value:
        return datetime.combine(date.fromisoformat(value), DEMO_HOUR)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{DEMO_ANCHOR_ENV}={value!r} has no time zone; add one, e.g. Z or +02:00")
    return moment


@pytest.fixture(scope="session")
def demo_anchor() -> datetime:
    """When the living demo is loaded, and so where the clock of a test on it starts (see the module's docstring)."""
    return demo_anchor_from(os.environ.get(DEMO_ANCHOR_ENV), today=datetime.now(UTC).date())


async def load_demo_into(engine: AsyncEngine, settings: Settings, now: datetime) -> None:
    """``pb demo`` through ``engine``, at ``now``."""
    async with create_sessionmaker(engine)() as session, session.begin():
        await load_demo(session, settings=settings, now=now)


def load_demo_at(url: str, now: datetime) -> None:
    """``pb demo`` into the database at ``url``, at ``now``."""
    async def load() -> None:
        settings = Settings(env="test", database_url=url, secret_key=TEST_SECRET)
        engine = create_engine(settings)
        try:
            await load_demo_into(engine, settings, now)
        finally:
            await engine.dispose()

    asyncio.run(load())


@pytest.fixture(scope="session")
def sqlite_demo_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, demo_anchor: datetime
) -> Path:
    path = tmp_path_factory.mktemp("sqlite-demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    load_demo_at(f"sqlite+aiosqlite:///{path}", demo_anchor)
    return path


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_template: str, demo_anchor: datetime) -> str:
    name = f"pb_test_{RUN_ID}_demo_template"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    load_demo_at(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False), demo_anchor)
    return name


@pytest.fixture
def demo_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: Clock, demo_anchor: datetime
) -> Iterator[str]:
    """A fresh copy of a database with the living demo loaded once per run (it takes seconds to load).

    The test's clock is set to the moment the demo was loaded at, so that the app, the tokens and the test see
    the demo as the database's clock does (give or take the hours since 09:00 UTC).
    """
    clock.now = demo_anchor
    yield from fresh_database(backend, request, tmp_path, sqlite_template="sqlite_demo_template",
                              postgres_template="postgres_demo_template")
