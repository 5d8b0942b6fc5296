"""Tie-breaking: how a rule chooses among projects it finds equally good, and which criterion decided.

``default`` follows equalshares.net: the cheaper project first, then the one with more support, then a lot
drawn from a recorded seed (sha256 of the seed and the project id, so it is reproducible and never uses a
global random generator). ``lexico`` takes the smallest project id compared as a string ("10" before "9"),
which is pabutools' default and lets outcomes be compared with it exactly.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from fractions import Fraction

from ballots.instance import Money

TIE_BREAKS = ("default", "lexico")


class UnknownTieBreak(ValueError):
    """A tie-break name that is not one of TIE_BREAKS."""


class TieBreak(ABC):
    """An order on projects used when a rule finds several equally good."""

    name: str
    seed: int | None = None

    @abstractmethod
    def key(
        self, project_id: str, *, costs: Mapping[str, Money], support: Mapping[str, Fraction]
    ) -> tuple[object, ...]:
        """A sort key: the project with the smallest key wins a tie."""

    @abstractmethod
    def criteria(self) -> tuple[str, ...]:
        """The names of the parts of ``key``, in order (e.g. "cost", "votes", "lot")."""

    def order(
        self, candidates: Sequence[str], *, costs: Mapping[str, Money], support: Mapping[str, Fraction]
    ) -> list[str]:
        """The candidates sorted from the tie's winner to its loser."""
        return sorted(candidates, key=lambda c: self.key(c, costs=costs, support=support))

    def choose(
        self, candidates: Sequence[str], *, costs: Mapping[str, Money], support: Mapping[str, Fraction]
    ) -> tuple[str, str]:
        """The winner of a tie among the candidates, and the criterion that decided it."""
        if not candidates:
            raise ValueError("no candidates to choose from")
        keys = {c: self.key(c, costs=costs, support=support) for c in candidates}
        winner = min(candidates, key=keys.__getitem__)
        names = self.criteria()
        runner_up = min((keys[c] for c in candidates if c != winner), default=None)
        if runner_up is None:
            return winner, names[0]
        # The deciding criterion is the first part of the key where the winner beats the best other candidate.
        for position, name in enumerate(names):
            if keys[winner][position] != runner_up[position]:
                return winner, name
        return winner, names[-1]


class DefaultTieBreak(TieBreak):
    """Lower cost first, then more support, then a lot seeded by ``seed``."""

    name = "default"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def key(
        self, project_id: str, *, costs: Mapping[str, Money], support: Mapping[str, Fraction]
    ) -> tuple[object, ...]:
        return (costs[project_id], -support[project_id], self.lot(project_id), project_id)

    def criteria(self) -> tuple[str, ...]:
        return ("cost", "votes", "lot", "lexico")

    def lot(self, project_id: str) -> str:
        """The project's lot: a hash of the seed and its id, the same on every run with the same seed."""
        return hashlib.sha256(f"{self.seed}:{project_id}".encode()).hexdigest()


class LexicoTieBreak(TieBreak):
    """The smallest project id, compared as a string."""

    name = "lexico"

    def key(
        self, project_id: str, *, costs: Mapping[str, Money], support: Mapping[str, Fraction]
    ) -> tuple[object, ...]:
        return (project_id,)

    def criteria(self) -> tuple[str, ...]:
        return ("lexico",)


def make_tie_break(name: str, seed: int | None = None) -> TieBreak:
    """The tie-break called ``name``; ``seed`` feeds the default's lot (0 when not given)."""
    if name == "default":
        return DefaultTieBreak(0 if seed is None else seed)
    if name == "lexico":
        return LexicoTieBreak()
    raise UnknownTieBreak(f"unknown tie-break {name!r}; choose one of {', '.join(TIE_BREAKS)}")
