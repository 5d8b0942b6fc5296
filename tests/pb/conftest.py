"""Fixtures for service tests: the demo world on a fresh database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock
from tests.factories import DemoWorld, demo_world


@pytest.fixture
async def world(engine: AsyncEngine, clock: Clock) -> DemoWorld:
    return await demo_world(engine, now=clock())
