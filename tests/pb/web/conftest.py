"""Fixtures for page tests: an HTTPS browser-like client on the demo world, or on the living demo itself."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.db import create_engine, create_sessionmaker
from pb.core.settings import Settings
from pb.demo.loader import load_demo
from tests.conftest import POSTGRES_URL, RUN_ID, TEST_SECRET, Clock, _admin_execute, asgi_transport
from tests.factories import DemoWorld
from tests.pb.voting.election import Election, open_voting


@pytest.fixture
async def browser(app: Litestar, world: DemoWorld) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https://pb.test (so __Host- cookies round-trip), after the demo is loaded."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http


@pytest.fixture
async def election(engine: AsyncEngine, clock: Clock, world: DemoWorld) -> Election:
    """The demo round open for voting with a budget of every format (tests/pb/voting/election.py)."""
    return await open_voting(engine, clock, world)


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
def demo_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh copy of a database with the living demo loaded once per run (it takes seconds to load)."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_demo_template")
        path = tmp_path / "pb.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    template_name: str = request.getfixturevalue("postgres_demo_template")
    name = f"pb_test_{RUN_ID}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
async def on_demo(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client on the living demo; the test module sets ``database_url = demo_database_url``."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http
