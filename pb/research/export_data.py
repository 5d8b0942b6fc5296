"""What a budget's research export is made of, and the one anonymised dataset every export format writes.

Voter ids are random-looking and unrelated to receipts or identities, yet the same on every download of a
published budget, so that its files can be joined: they are drawn from a generator seeded with a keyed hash of
the budget's frozen configuration (a secret kept outside the database is the key), and ballots are written in
the order of their ids. The only voter attributes are the generalised ones of pb.research.anonymise. pb's voting
stores no voter attributes at all, so exports of real rounds have no metadata columns; the anonymiser still
guards any that are given.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pb.research.anonymise import Minimums, generalise, turnout_table
from pb.research.ballot_table import BallotTable
from pb.results.counting import Selections
from pb.rounds.frozen_config import BudgetConfig

CHUNK = 100_000
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class BudgetData:
    """What one budget's export is made of (no identities: the ballots come from the anonymous board)."""

    budget: BudgetConfig
    """The budget's frozen configuration."""
    outcome: Mapping[str, Any]
    titles: Mapping[str, str]
    description: str
    unit: str
    instance: str
    date_begin: str
    date_end: str
    language: str
    ballots: BallotTable | Sequence[Selections]
    """The board's ballots: a compact table (as read from the database in chunks) or plain selections."""
    voters: pd.DataFrame | None = None
    """Optional raw voter attributes (age, district, voting_method), one row per ballot."""
    config_hash: str = ""
    """The round's frozen configuration's hash, which the export's voter ids are derived from."""

    def ballot_table(self) -> BallotTable:
        """The ballots as a compact table, over the budget's projects when given as plain selections."""
        if isinstance(self.ballots, BallotTable):
            return self.ballots
        return BallotTable.of(self.ballots, [p.code for p in self.budget.projects])


@dataclass(frozen=True, slots=True)
class Anonymised:
    """One export's dataset: the ballots in the order of their keyed voter ids, and what may go with them."""

    data: BudgetData
    ballots: BallotTable
    order: np.ndarray
    voter_ids: np.ndarray
    attributes: pd.DataFrame | None
    turnout: pd.DataFrame

    def rows(self, start: int, stop: int) -> np.ndarray:
        """The distinct-ballot numbers of the export's rows ``start:stop`` (in voter id order)."""
        rows: np.ndarray = self.ballots.index[self.order[start:stop]]
        return rows

    def chunks(self) -> Iterator[tuple[int, int]]:
        """The export's rows as ``(start, stop)`` chunks of CHUNK; one empty chunk if none, so headers get written."""
        for start in range(0, len(self.order), CHUNK) or [0]:
            yield start, min(start + CHUNK, len(self.order))


def anonymise(data: BudgetData, minimums: Minimums | None = None, *, secret: bytes) -> Anonymised:
    """Keyed ids and the order they give; generalised attributes with k-anonymity; the suppressed turnout table."""
    minimums = minimums or Minimums()
    ballots = data.ballot_table()
    n = len(ballots)
    ids = voter_ids(export_key(secret, config_hash=data.config_hash, budget_id=data.budget.id), n)
    order = np.argsort(ids, kind="stable")
    attributes = None
    if data.voters is not None and len(data.voters.columns):
        attributes = generalise(data.voters.iloc[order].reset_index(drop=True), minimums)
    turnout = turnout_table(attributes, n, minimums)
    return Anonymised(data, ballots, order, ids[order], attributes, turnout)


def export_key(secret: bytes, *, config_hash: str, budget_id: int) -> bytes:
    """A budget's export key: an HMAC of its frozen configuration under the secret (another key for every
    budget and round; nothing about voters goes in)."""
    return hmac.new(secret, f"pb/research-export-ids/v1/{config_hash}/{budget_id}".encode(), hashlib.sha256).digest()


def voter_ids(key: bytes, n: int) -> np.ndarray:
    """``n`` distinct ids in 1..2**53 (exact in a spreadsheet's doubles), one per board position, from PCG64's
    raw stream (stable across numpy versions) seeded with the key; a repeated id is drawn again."""
    bits = np.random.PCG64(int.from_bytes(key, "big"))
    ids = (bits.random_raw(n) >> np.uint64(11)).astype(np.int64) + 1
    while True:
        _, first = np.unique(ids, return_index=True)
        if len(first) == n:
            return ids
        repeated = np.ones(n, dtype=bool)
        repeated[first] = False
        ids[repeated] = (bits.random_raw(int(repeated.sum())) >> np.uint64(11)).astype(np.int64) + 1
