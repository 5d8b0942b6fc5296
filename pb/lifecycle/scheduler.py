"""The background task that moves rounds along their phase plans."""

from __future__ import annotations

import asyncio
import logging

from pb.core.clock import Clock
from pb.core.db import SessionMaker
from pb.lifecycle.phases import advance_by_schedule
from pb.voting.cache import VotingCache

log = logging.getLogger("pb.scheduler")


async def run_schedule(
    sessionmaker: SessionMaker, *, clock: Clock, interval_s: float, cache: VotingCache | None = None
) -> None:
    """Advance due rounds every ``interval_s`` seconds until cancelled; a failed pass is retried next time."""
    while True:
        try:
            async with sessionmaker() as session, session.begin():
                for round_id, phase in await advance_by_schedule(session, now=clock(), cache=cache):
                    log.info("round %s entered %s by schedule", round_id, phase.value)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("schedule pass failed; retrying in %.0f s", interval_s)
        await asyncio.sleep(interval_s)
