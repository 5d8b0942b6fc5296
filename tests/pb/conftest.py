"""Fixtures for service tests: the demo world on a fresh database, a copy of the living demo loaded once per run
(``demo_database_url``), and an HTTPS client for cookie flows."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
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


def _load_demo(url: str) -> None:
    """``pb demo`` into the database at ``url``, at the tests' clock's moment (so every copy is the same)."""
    async def load() -> None:
        settings = Settings(env="test", database_url=url, secret_key=TEST_SECRET)
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                await load_demo(session, settings=settings, now=Clock().now)
        finally:
            await engine.dispose()

    asyncio.run(load())


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    _load_demo(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_template: str) -> str:
    name = f"pb_test_{RUN_ID}_demo_template"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    _load_demo(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    return name


@pytest.fixture
def demo_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of a database with the living demo loaded once per run (it takes seconds to load)."""
    yield from fresh_database(backend, request, tmp_path, sqlite_template="sqlite_demo_template",
                              postgres_template="postgres_demo_template")
