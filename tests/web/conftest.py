"""Browser tests: pb served by uvicorn on a free loopback port on demo data, driven by Debian's Chromium.

The server runs ``pb serve --demo`` in its own process on a temporary SQLite database (migrated, demo loaded),
as a resident's browser would meet it. Chromium comes from Debian (``apt-get install chromium``); without it
the tests skip, and with ``CI=true`` they fail. Screenshots go to ``var/screenshots/``, printed at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.ci import unavailable
from tests.conftest import SCREENSHOTS

CHROMIUM = Path(os.environ.get("PB_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
PHONE, SMALL_PHONE, DESKTOP = 375, 320, 1280


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    workdir: Path
    env: dict[str, str]
    """The environment it runs with, for ``pb`` commands on its database (``pb token``)."""


@contextmanager
def serve_demo(workdir: Path) -> Iterator[Server]:
    """``pb serve --demo`` on 127.0.0.1 and a free port, in ``workdir``, until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "PB_ENV": "development",
        "PB_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'pb.sqlite3'}",
        "PB_PUBLIC_URL": url,
        "PB_SCHEDULE_INTERVAL_S": "3600",
        "PB_SIGNIN_RATE_LIMIT_PER_MINUTE": "1000",
    }
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pb", "serve", "--host", "127.0.0.1", "--port", str(port), "--demo"],
            cwd=workdir, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield Server(url, log, workdir, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def api_headers(server: Server, *token_options: str) -> dict[str, str]:
    """Authorization headers with the API token ``pb token TOKEN_OPTIONS`` issues against the server's database."""
    issued = subprocess.run(
        [sys.executable, "-m", "pb", "token", *token_options],
        cwd=server.workdir, env={**os.environ, **server.env}, capture_output=True, text=True, check=True,
    )
    return {"authorization": f"Bearer {issued.stdout.strip().split()[-1]}"}


@pytest.fixture(scope="session")
def pb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo served for the whole session (a module that changes its data serves its own)."""
    with serve_demo(tmp_path_factory.mktemp("pb-web")) as server:
        yield server


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pb serve exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"pb serve did not answer within 60 s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    # Per module, not per session: Playwright's sync API keeps an event loop running on this thread while it is
    # open, and the database fixtures' asyncio.run() cannot start while one runs. Under pytest-xdist a worker
    # runs browser modules between database modules, so the driver must be gone when its module ends.
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass(frozen=True)
class Visitor:
    """One kind of visitor: their language, screen width and whether their browser runs JavaScript."""

    locale: str = "fi"
    width: int = DESKTOP
    javascript: bool = True

    @property
    def label(self) -> str:
        return f"{self.locale}-{self.width}{'' if self.javascript else '-nojs'}"


OpenContext = Callable[[Visitor], BrowserContext]
NewPage = Callable[[Visitor], Page]


@pytest.fixture
def open_context(chromium: Browser, pb_server: Server) -> Iterator[OpenContext]:
    """``open_context(visitor)``: a fresh browser context (no cookies) for that visitor; closed after the test."""
    opened: list[BrowserContext] = []

    def open_for(visitor: Visitor) -> BrowserContext:
        context = chromium.new_context(
            locale=LOCALES[visitor.locale],
            viewport={"width": visitor.width, "height": 900},
            java_script_enabled=visitor.javascript,
            base_url=pb_server.url,
        )
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield open_for
    for context in opened:
        context.close()


@pytest.fixture
def new_page(open_context: OpenContext) -> NewPage:
    """``new_page(visitor)``: a page in a fresh context for that visitor (paths are relative to the server)."""
    return lambda visitor: open_context(visitor).new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """This run's screenshot folder (tests/conftest.py empties it as the run starts, once for all workers)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def screenshot(page: Page, folder: Path, name: str) -> Path:
    """Save the whole page as ``<folder>/<name>.png`` for people to look at."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

