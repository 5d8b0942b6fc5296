"""What a budget's research export is made of, and the one anonymised dataset every export format writes.

Ballots are put in a fresh random order with fresh random voter ids on every export (S4); the only voter
attributes are the generalised ones of pb.research.anonymise. pb's voting stores no voter attributes at all,
so exports of real rounds have no metadata columns; the anonymiser still guards any that are given.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pb.research.anonymise import Minimums, generalise, turnout_table
from pb.research.ballot_table import BallotTable
from pb.results.counting import Selections

CHUNK = 100_000
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class BudgetData:
    """What one budget's export is made of (no identities: the ballots come from the anonymous board)."""

    spec: Mapping[str, Any]
    """The budget's frozen configuration (pb.rounds.config)."""
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

    def ballot_table(self) -> BallotTable:
        """The ballots as a compact table, over the budget's projects when given as plain selections."""
        if isinstance(self.ballots, BallotTable):
            return self.ballots
        return BallotTable.of(self.ballots, [str(p["code"]) for p in self.spec["projects"]])


@dataclass(frozen=True, slots=True)
class Anonymised:
    """One export's dataset: the ballots in a random order under random voter ids, and what may go with them."""

    data: BudgetData
    ballots: BallotTable
    order: np.ndarray
    voter_ids: np.ndarray
    attributes: pd.DataFrame | None
    turnout: pd.DataFrame

    def rows(self, start: int, stop: int) -> np.ndarray:
        """The distinct-ballot numbers of the export's rows ``start:stop`` (in the export's random order)."""
        rows: np.ndarray = self.ballots.index[self.order[start:stop]]
        return rows

    def chunks(self) -> Iterator[tuple[int, int]]:
        """The export's rows as ``(start, stop)`` chunks of CHUNK; one empty chunk if none, so headers get written."""
        for start in range(0, len(self.order), CHUNK) or [0]:
            yield start, min(start + CHUNK, len(self.order))


def anonymise(data: BudgetData, minimums: Minimums | None = None) -> Anonymised:
    """Random order and ids; generalised attributes with k-anonymity; the suppressed turnout table."""
    minimums = minimums or Minimums()
    rng = np.random.default_rng(secrets.randbits(128))
    ballots = data.ballot_table()
    n = len(ballots)
    order = rng.permutation(n)
    ids = np.unique(rng.integers(1, 2**53, size=n))
    while len(ids) < n:  # a collision among 2**53 values: draw again
        ids = np.unique(np.concatenate([ids, rng.integers(1, 2**53, size=n - len(ids))]))
    ids = rng.permutation(ids)
    attributes = None
    if data.voters is not None and len(data.voters.columns):
        attributes = generalise(data.voters.iloc[order].reset_index(drop=True), minimums)
    turnout = turnout_table(attributes if attributes is not None else pd.DataFrame(), minimums)
    return Anonymised(data, ballots, order, ids, attributes, turnout)
