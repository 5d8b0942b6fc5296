"""The living demo's tests hold on any date because the demo is loaded at an anchor near the real date
(tests/pb/conftest.py). Casting judges the voting window by the database's clock, which no test can move, so
these load the demo at other anchors and cast: a year ahead (all the app's own clock-driven rules at a later
date, with the database's clock still inside the window) is taken, a month back (what a demo at a fixed moment
meets once the real date has gone past its window) is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.core.db import create_sessionmaker
from pb.core.models import BallotProject, Budget, BudgetRound
from pb.core.settings import Settings
from pb.demo.tuusula import ROUND_2027
from pb.devidp.persons import BY_ID
from tests.conftest import Clock
from tests.pb.auth.helpers import resident_headers
from tests.pb.conftest import demo_anchor_from, load_demo_into


async def _cast_as_aino(client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings,
                        clock: Clock) -> httpx.Response:
    aino = BY_ID["aino"]
    headers = await resident_headers(engine, settings, clock, national_id=aino.national_id,
                                     birth_date=aino.birth_date, postal_code=aino.postal_code)
    async with create_sessionmaker(engine)() as session:
        demo = (await session.exec(select(BudgetRound).where(BudgetRound.slug == ROUND_2027))).one()
        hyryla = (await session.exec(select(Budget).where(Budget.round_id == demo.id, Budget.slug == "hyryla"))).one()
        cheapest = (await session.exec(select(BallotProject).where(BallotProject.budget_id == hyryla.id)
                                       .order_by(col(BallotProject.cost)))).first()
    assert cheapest is not None
    return await client.post(f"/budgets/{hyryla.id}/ballot", headers=headers,
                             json={"selections": [cheapest.code], "config_hash": demo.config_hash})


async def test_the_demo_loaded_a_year_ahead_takes_a_ballot_through_the_api(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, demo_anchor: datetime,
) -> None:
    clock.now = demo_anchor + timedelta(days=365)
    await load_demo_into(engine, settings, clock.now)

    response = await _cast_as_aino(client, engine, settings, clock)

    assert response.status_code == 201, response.text


async def test_the_demo_loaded_a_month_back_refuses_ballots_by_the_database_clock(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, demo_anchor: datetime,
) -> None:
    clock.now = demo_anchor - timedelta(days=30)  # its voting window ends 12 days before today
    await load_demo_into(engine, settings, clock.now)

    response = await _cast_as_aino(client, engine, settings, clock)

    assert (response.status_code, response.json()["code"]) == (409, "voting_closed"), response.text


def test_the_anchor_is_today_at_nine_utc_unless_the_environment_names_another() -> None:
    today = date(2031, 5, 17)

    assert demo_anchor_from(None, today=today) == datetime(2031, 5, 17, 9, 0, tzinfo=UTC)
    assert demo_anchor_from("2032-01-02", today=today) == datetime(2032, 1, 2, 9, 0, tzinfo=UTC)
    assert demo_anchor_from("2032-01-02T12:30:00+02:00", today=today) == datetime(2032, 1, 2, 10, 30, tzinfo=UTC)
    with pytest.raises(pytest.UsageError, match="no time zone"):
        demo_anchor_from("2032-01-02T12:30:00", today=today)
