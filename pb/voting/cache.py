"""What one app keeps in memory for casting: the frozen configurations it has computed, and the budgets it has
seen open for voting.

An app owns one (``create_app`` puts it on ``app.state.voting_cache``), so two apps in one process share nothing.
Neither part can make a cast wrong: a frozen configuration is keyed by its round and hash and stored only once it
hashes to that value, and the first-cast statement checks the round's phase, hash and municipality again under
the round's lock. Forgetting is for memory and freshness; the events that change a round's casting (a phase
transition, which includes freezing when voting opens and closing it) make the app forget that round.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.voting.frozen import FrozenRound, load_frozen_round

OPEN_BUDGETS = 4096
FROZEN_ROUNDS = 256


@dataclass(frozen=True, slots=True)
class OpenBudget:
    """A budget this app has seen open for voting: its round's frozen configuration and municipality."""

    frozen: FrozenRound
    municipality_code: str


class VotingCache:
    """The frozen configurations (computed once per round and hash, however many casts ask at once) and the
    index of open budgets that the first-cast path starts from."""

    def __init__(self, *, open_budgets: int = OPEN_BUDGETS, frozen_rounds: int = FROZEN_ROUNDS) -> None:
        self._open_limit = open_budgets
        self._frozen_limit = frozen_rounds
        self._open: dict[int, OpenBudget] = {}
        self._frozen: dict[tuple[int, str], FrozenRound] = {}
        self._computing: dict[tuple[int, str], asyncio.Lock] = {}

    async def frozen_round(self, session: AsyncSession, round_id: int, frozen_hash: str) -> FrozenRound:
        """The round's frozen configuration: read and checked once per round and hash, then served from memory.

        Casts that ask while it is being read wait for that one reading (a round of many budgets costs seconds
        of CPU to read and hash, and every first cast of a fresh process would otherwise pay it at once). A
        reading that fails (ConfigDrift, a dropped connection) stores nothing, and the next waiter tries itself.
        """
        key = (round_id, frozen_hash)
        cached = self._frozen.get(key)
        if cached is not None:
            return cached
        lock = self._computing.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._frozen.get(key)
            if cached is not None:
                return cached
            frozen = await load_frozen_round(session, round_id, frozen_hash)
            if len(self._frozen) >= self._frozen_limit:
                self._frozen.clear()
            self._frozen[key] = frozen
            self._computing.pop(key, None)
        return frozen

    def open_budget(self, budget_id: int) -> OpenBudget | None:
        return self._open.get(budget_id)

    def remember_open_budget(self, budget_id: int, frozen: FrozenRound, municipality_code: str) -> None:
        """Called by the full cast once it found the round voting; the first-cast path trusts nothing else of
        it, since its statement checks the round's phase, hash and municipality again under the lock."""
        if len(self._open) >= self._open_limit:
            self._open.clear()
        self._open[budget_id] = OpenBudget(frozen, municipality_code)

    def forget_budget(self, budget_id: int) -> None:
        """The budget was found closed or changed: its later casts go straight to the full cast."""
        self._open.pop(budget_id, None)

    def forget_round(self, round_id: int) -> None:
        """The round moved (frozen, closed, or any other transition): drop all that is known of it."""
        self._open = {b: known for b, known in self._open.items() if known.frozen.round_id != round_id}
        self._frozen = {key: frozen for key, frozen in self._frozen.items() if key[0] != round_id}
