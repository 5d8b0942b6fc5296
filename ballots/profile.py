"""Ballots and profiles: what the voters said, in each of the ballot formats pb supports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ballots.instance import no_mapping

VoteType = Literal["approval", "choose-1", "cumulative", "ordinal", "scoring"]
VOTE_TYPES: tuple[VoteType, ...] = ("approval", "choose-1", "cumulative", "ordinal", "scoring")


@dataclass(frozen=True, slots=True)
class Ballot:
    """One voter's ballot.

    ``choices`` are project ids: the approved ones (approval, choose-1), best first (ordinal), or the ones
    given points (cumulative, scoring), with ``points`` parallel to ``choices``.
    """

    choices: tuple[str, ...]
    points: tuple[int, ...] = ()
    voter_id: str = ""
    metadata: Mapping[str, str] = field(default_factory=no_mapping, hash=False)
    """Voter columns other than the ballot (age, sex, voting_method...), kept for round trips."""

    def key(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Identity of the ballot's content, the same for identical votes whatever their order of listing."""
        if self.points:
            pairs = sorted(zip(self.choices, self.points, strict=True))
            return tuple(c for c, _ in pairs), tuple(p for _, p in pairs)
        return tuple(sorted(self.choices)), ()

    def ranked_key(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Identity of an ordinal ballot: the order is the content."""
        return self.choices, self.points


@dataclass(frozen=True, slots=True)
class Profile:
    """All ballots of one instance, in the order they were given."""

    vote_type: VoteType
    ballots: tuple[Ballot, ...]

    def __len__(self) -> int:
        return len(self.ballots)

    def grouped(self) -> list[tuple[Ballot, int]]:
        """Identical ballots merged, with their multiplicity, in a canonical order.

        Rules work on this form: real elections repeat ballots a lot (Łódź 2022: 90,494 ballots, 23,571
        distinct), and a canonical order makes outcomes independent of how voters were listed.
        """
        keyer = Ballot.ranked_key if self.vote_type == "ordinal" else Ballot.key
        counts: Counter[tuple[tuple[str, ...], tuple[int, ...]]] = Counter(keyer(b) for b in self.ballots)
        return [(Ballot(choices, points), n) for (choices, points), n in sorted(counts.items())]
