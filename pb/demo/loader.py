"""``pb demo``: Tuusula with its networks, its 2026 round published a year ago and its 2027 round open for voting,
with dates relative to now."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.core.models import BudgetRound
from pb.core.settings import Settings
from pb.demo.round_2026 import load_round_2026
from pb.demo.round_2027 import load_round_2027
from pb.demo.tuusula import DEMO_ACTOR, ROUND_2026, ROUND_2027, find_round, load_municipality

HISTORY_DAYS = 500
"""The municipality joined pb this long before now, before its first round here."""


async def load_demo(session: AsyncSession, *, settings: Settings, now: datetime) -> BudgetRound:
    """Create each of the living demo's rounds unless it exists; returns the round open for voting.

    Each round is looked for on its own, so that a database loaded before the 2026 round was part of the demo
    gets it on the next ``pb demo`` (or ``pb serve --demo``) too.
    """
    municipality = await load_municipality(session, now=now - timedelta(days=HISTORY_DAYS))
    assert municipality.id is not None
    if await find_round(session, municipality.id, ROUND_2026) is None:
        published = await load_round_2026(session, municipality, settings, now=now)
        await audit.record(session, actor=DEMO_ACTOR.actor, action="demo.load", target=f"round:{published.id}",
                           now=now)
    found = await find_round(session, municipality.id, ROUND_2027)
    if found is not None:
        return found
    budget_round = await load_round_2027(session, municipality, settings, now=now)
    await audit.record(session, actor=DEMO_ACTOR.actor, action="demo.load", target=f"round:{budget_round.id}",
                       now=now)
    return budget_round
