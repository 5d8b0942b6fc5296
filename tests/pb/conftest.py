"""Fixtures for service tests: the demo world on a fresh database, and an HTTPS client for cookie flows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock, asgi_transport
from tests.factories import DemoWorld, demo_world


@pytest.fixture
async def world(engine: AsyncEngine, clock: Clock) -> DemoWorld:
    return await demo_world(engine, now=clock())


@pytest.fixture
async def browser(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https://pb.test (so Secure cookies round-trip), driving the app in-process."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http
