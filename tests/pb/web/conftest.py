"""Fixtures for page tests: an HTTPS browser-like client on the demo world."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from tests.conftest import asgi_transport
from tests.factories import DemoWorld


@pytest.fixture
async def browser(app: Litestar, world: DemoWorld) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https://pb.test (so __Host- cookies round-trip), after the demo is loaded."""
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as http:
        yield http
