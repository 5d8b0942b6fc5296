"""Ballots in compact form, as research exports read them from the board and write them out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pb.results.counting import Selections


class BallotTable:
    """Ballots in compact form: each distinct ballot once, and per ballot a 32-bit index into them.

    Identical ballots are common (Łódź 2022: 90,494 ballots, 23,571 distinct), so a million ballots take a few
    megabytes instead of a Python list each; every export writes from these arrays, chunk by chunk.
    """

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(str(c) for c in codes)
        self._position = {c: i for i, c in enumerate(self.codes)}
        self.distinct: list[Selections] = []
        self._ids: dict[tuple[Any, ...], int] = {}
        self._chunks: list[np.ndarray] = []
        self._index: np.ndarray | None = None

    @classmethod
    def of(cls, ballots: Sequence[Selections], codes: Sequence[str] | None = None) -> BallotTable:
        table = cls(codes if codes is not None else sorted({c for s in ballots for c in s}))
        table.add(ballots)
        return table

    def add(self, ballots: Sequence[Selections]) -> None:
        """Append a chunk of ballots (canonical selections, as the board stores them)."""
        ids, known = self._ids, self.distinct
        chunk = np.empty(len(ballots), dtype=np.int32)
        for i, selections in enumerate(ballots):
            key = tuple(sorted(selections.items())) if isinstance(selections, dict) else tuple(selections)
            found = ids.get(key)
            if found is None:
                found = ids[key] = len(known)
                known.append(selections)
            chunk[i] = found
        self._chunks.append(chunk)
        self._index = None

    @property
    def index(self) -> np.ndarray:
        """Per ballot, its distinct ballot's number."""
        if self._index is None:
            self._index = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int32)
            self._chunks = [self._index]
        return self._index

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> Selections:
        return self.distinct[int(self.index[i])]

    def layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct ballots as CSR arrays: offsets, project numbers, and values (rank, or points)."""
        lengths = np.fromiter((len(s) for s in self.distinct), dtype=np.int64, count=len(self.distinct))
        offsets = np.zeros(len(self.distinct) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        position = self._position
        items = np.fromiter(
            (position[c] for s in self.distinct for c in (sorted(s) if isinstance(s, dict) else s)),
            dtype=np.int32, count=int(offsets[-1]),
        )
        values = np.fromiter(
            (v for s in self.distinct for v in (
                [n for _, n in sorted(s.items())] if isinstance(s, dict) else range(1, len(s) + 1))),
            dtype=np.int32, count=int(offsets[-1]),
        )
        return offsets, items, values

    def ballots_per_project(self) -> dict[str, int]:
        """How many ballots name each project."""
        offsets, items, _ = self.layout()
        weights = np.repeat(np.bincount(self.index, minlength=len(self.distinct)), np.diff(offsets))
        counts = np.bincount(items, weights=weights, minlength=len(self.codes))
        return {c: int(n) for c, n in zip(self.codes, counts, strict=True)}
