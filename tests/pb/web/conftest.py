"""Fixtures for page tests: an HTTPS browser-like client on the demo world, or on the living demo itself
(``demo_database_url``, from tests/pb/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock, asgi_transport
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


@pytest.fixture
async def on_demo(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client on the living demo; the test module sets ``database_url = demo_database_url``."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http
