"""Test set-up shared by every test: databases on both backends, the app, a clock, tokens.

Every database test runs twice, on the embedded SQLite and on PostgreSQL, each time on a fresh database
cloned from one migrated once per run, so tests are isolated and see real commits and constraints.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar import Litestar
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.app import create_app
from pb.auth.tokens import issue_token
from pb.core.db import create_engine, create_sessionmaker
from pb.core.migrate import upgrade
from pb.core.models import Role
from pb.core.settings import Settings
from tests.ci import unavailable

POSTGRES_URL = os.environ.get("PB_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
RUN_ID = uuid.uuid4().hex[:8]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
"""Where the browser tests leave their screenshots for people to look at."""
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    # Emptied once per run, by the process that reports (pytest-xdist's controller, or the only process), so that
    # the folder shows this run's pages and no worker deletes what another has taken.
    if not hasattr(config, "workerinput"):
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    taken = len(list(SCREENSHOTS.glob("*.png"))) if SCREENSHOTS.exists() else 0
    if taken:
        terminalreporter.write_line(f"browser tests: {taken} screenshots in {SCREENSHOTS}")


@pytest.fixture(autouse=True, scope="session")
def development_keys_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings made in development keep their signing keys (pb.core.settings.kept_key): in a test run, not in the
    checkout's var/."""
    before = os.environ.get("PB_DEV_KEYS_DIR")
    os.environ["PB_DEV_KEYS_DIR"] = str(tmp_path_factory.mktemp("dev-keys"))
    yield
    if before is None:
        os.environ.pop("PB_DEV_KEYS_DIR", None)
    else:
        os.environ["PB_DEV_KEYS_DIR"] = before


def _plain_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin_execute(*statements: str) -> None:
    connection = await asyncpg.connect(_plain_dsn(POSTGRES_URL), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_reachable() -> str | None:
    try:
        asyncio.run(_admin_execute("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


class Dropper:
    """Drops the PostgreSQL databases of finished tests on a thread of its own, while the next tests run.

    Each DROP DATABASE waits for a checkpoint (about half a second here, mostly waiting on the disk); hundreds of
    them left to the end of the run kept each pytest-xdist worker busy for minutes after its last test."""

    def __init__(self) -> None:
        self._names: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.failures: list[str] = []

    def drop(self, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=asyncio.run, args=(self._run(),), name="drop-databases",
                                            daemon=True)
            self._thread.start()
        self._names.put(name)

    def close(self) -> None:
        """Wait until every database handed over is dropped."""
        if self._thread is not None:
            self._names.put(None)
            self._thread.join()
            self._thread = None

    async def _run(self) -> None:
        connection = await asyncpg.connect(_plain_dsn(POSTGRES_URL), timeout=5)
        try:
            # The queue's get() blocks this thread's loop, which has nothing else to run.
            while (name := self._names.get()) is not None:
                try:
                    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except asyncpg.PostgresError as exc:  # the sweep at the session's end tries again
                    self.failures.append(f"{name}: {exc}")
        finally:
            await connection.close()


DROPPER = Dropper()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database to clone; skips (fails in CI) when no server answers."""
    problem = _postgres_reachable()
    if problem is not None:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not reachable ({problem}); set PB_TEST_POSTGRES_URL")
    name = f"pb_test_{RUN_ID}_template"
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    upgrade(str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)))
    yield name
    DROPPER.close()
    asyncio.run(_drop_run_databases())


async def _drop_run_databases() -> None:
    """Drop what is left of this run's databases (the templates, and any the dropper could not), a few at a time."""
    connection = await asyncpg.connect(_plain_dsn(POSTGRES_URL), timeout=5)
    try:
        rows = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", f"pb_test_{RUN_ID}_%")
    finally:
        await connection.close()
    names = [row["datname"] for row in rows]

    async def drop(share: list[str]) -> None:
        worker = await asyncpg.connect(_plain_dsn(POSTGRES_URL), timeout=5)
        try:
            for name in share:
                await worker.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await worker.close()

    await asyncio.gather(*(drop(names[i::4]) for i in range(4)))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def fresh_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, sqlite_template: str, postgres_template: str
) -> Iterator[str]:
    """The URL of a fresh copy of a template database of the test's backend (the templates are the session
    fixtures named), dropped in the background once the test is over."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue(sqlite_template)
        path = tmp_path / "pb.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template_name: str = request.getfixturevalue(postgres_template)
    name = f"pb_test_{RUN_ID}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    DROPPER.drop(name)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of the test's backend."""
    yield from fresh_database(backend, request, tmp_path, sqlite_template="sqlite_template",
                              postgres_template="postgres_template")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, secret_key=TEST_SECRET)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    db_engine = create_engine(settings)
    yield db_engine
    await db_engine.dispose()


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, clock: Clock) -> Litestar:
    return create_app(settings, engine=engine, clock=clock, run_scheduler=False)


def asgi_transport(app: Litestar, *, raise_app_exceptions: bool = True) -> httpx.ASGITransport:
    """httpx's in-process transport driving the app.

    httpx types its app as taking plain MutableMapping scopes and messages, Litestar's __call__ takes the ASGI
    TypedDicts, so a Litestar app is not structurally one of httpx's apps although it is the same ASGI app.
    """
    return httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)  # type: ignore[arg-type]


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    # The app's lifespan only starts the scheduler (off here) and owns no engine in tests, so it is not
    # entered: pytest-asyncio tears fixtures down in another task, which anyio's lifespan scope forbids.
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="http://pb.test") as http:
        yield http


@dataclass
class Tokens:
    """Mints API tokens for the test's database."""

    settings: Settings
    engine: AsyncEngine
    clock: Clock

    async def mint(
        self, role: Role | str, *, municipality_id: int | None = None, network_id: int | None = None,
        subject: str | None = None,
    ) -> str:
        role = Role(role)
        async with create_sessionmaker(self.engine)() as session, session.begin():
            token, _ = await issue_token(
                session, self.settings, subject=subject or f"{role.value}-{uuid.uuid4().hex[:6]}", role=role,
                now=self.clock(), municipality_id=municipality_id, network_id=network_id,
            )
        return token

    async def headers(self, role: Role | str, **scope: int | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.mint(role, **scope)}"}  # type: ignore[arg-type]


@pytest.fixture
def tokens(settings: Settings, engine: AsyncEngine, clock: Clock) -> Tokens:
    return Tokens(settings, engine, clock)
