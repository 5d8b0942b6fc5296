"""The compact form of an election that the equal-shares engines work on.

Identical ballots are merged into groups with a multiplicity (Łódź 2022: 90,494 ballots, 23,571 groups), and
each project keeps the groups that support it with their utility, as small integers. A voter's satisfaction
from project ``j`` is ``scale[j] * utility``: for approval and choose-1 ballots the utility is 1 and the scale
the project's cost (cost utilities, pabutools ``Cost_Sat``); for cumulative and scoring ballots the utility is
the points and the scale 1; for ordinal ballots the utility is positional (first choice ``k`` points, then
``k - 1``...; ``ballots.support.ordinal_k``: META ``max_length``, else the longest ballot).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt

from ballots.instance import Instance, Money
from ballots.profile import Profile

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
UtilityKey = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class MesData:
    """Groups of identical ballots and, per project (in instance order), its supporting groups."""

    ids: tuple[str, ...]
    costs: tuple[Money, ...]
    scale: tuple[Money, ...]
    """Satisfaction per unit of utility: the cost for cost utilities, else 1."""
    voters: int
    """All ballots, empty ones included: the endowment is the budget divided by this."""
    multiplicity: IntArray
    supporters: tuple[IntArray, ...]
    """Per project, the indices of the groups with positive utility for it, ascending."""
    utility: tuple[IntArray, ...]
    """Per project, the utility of each supporting group, parallel to ``supporters``."""
    support: tuple[int, ...]
    """Per project, the voters' total utility: approvals, points or positional score."""

    @property
    def groups(self) -> int:
        return len(self.multiplicity)


def _utility_key(
    choices: tuple[str, ...], points: tuple[int, ...], vote_type: str, index: dict[str, int], k: int
) -> UtilityKey:
    """A ballot as sorted (project index, utility) pairs with positive utility only."""
    if vote_type == "ordinal":
        values: dict[int, int] = {}
        for position, choice in enumerate(choices):
            values.setdefault(index[choice], k - position)
    elif vote_type in ("cumulative", "scoring"):
        values = {}
        for choice, point in zip(choices, points, strict=True):
            values[index[choice]] = values.get(index[choice], 0) + point
    else:
        # Approval: a set of projects, each worth 1; duplicates in a ballot count once.
        return tuple(zip(sorted({index[c] for c in choices}), repeat(1)))
    return tuple(sorted((j, u) for j, u in values.items() if u > 0))


def compile_profile(instance: Instance, profile: Profile, *, ordinal_points: int = 0) -> MesData:
    """Merges identical ballots and lists each project's supporters with their utility.

    ``ordinal_points`` is the ``k`` of positional scores (a first choice's points), used for ordinal ballots.
    """
    ids = instance.project_ids
    index = {pid: j for j, pid in enumerate(ids)}
    # Counting raw ballots first hashes cheap tuples; the canonical key is built once per distinct ballot.
    raw = Counter((b.choices, b.points) for b in profile.ballots)
    unknown = {c for choices, _ in raw for c in choices} - index.keys()
    if unknown:
        raise ValueError(f"ballots name projects not in the instance: {sorted(unknown)[:5]}")
    if profile.vote_type in ("approval", "choose-1"):
        multiplicity, supporters, utility = _approval_groups(raw, index)
    else:
        merged: Counter[UtilityKey] = Counter()
        for (choices, points), count in raw.items():
            merged[_utility_key(choices, points, profile.vote_type, index, ordinal_points)] += count
        keys = sorted(key for key in merged if key)
        multiplicity = np.fromiter((merged[key] for key in keys), dtype=np.int64, count=len(keys))
        supporters, utility = _by_project(keys, len(ids))
    # np.split with no boundaries yields one piece; a ballot with no projects has no supporters at all.
    supporters, utility = supporters[: len(ids)], utility[: len(ids)]
    support = tuple(int(np.dot(multiplicity[s], u)) for s, u in zip(supporters, utility, strict=True))
    cost_utility = profile.vote_type in ("approval", "choose-1")
    costs = tuple(p.cost for p in instance.projects)
    scale = tuple(c if cost_utility else Fraction(1) for c in costs)
    return MesData(ids, costs, scale, len(profile.ballots), multiplicity, supporters, utility, support)


def _approval_groups(
    raw: Counter[tuple[tuple[str, ...], tuple[int, ...]]], index: dict[str, int]
) -> tuple[IntArray, tuple[IntArray, ...], tuple[IntArray, ...]]:
    """Groups of equal approval sets, found with numpy: each ballot becomes a bitmask of its projects."""
    ballots = list(raw)
    lengths = np.fromiter((len(choices) for choices, _ in ballots), dtype=np.int64, count=len(ballots))
    flat = np.fromiter((index[c] for choices, _ in ballots for c in choices), dtype=np.int64)
    owner = np.repeat(np.arange(len(ballots), dtype=np.int64), lengths)
    words = max(1, (len(index) + 63) // 64)
    masks = np.zeros((len(ballots), words), dtype=np.uint64)
    bits = np.left_shift(np.uint64(1), (flat % 64).astype(np.uint64))
    # OR is idempotent: a project listed twice in a ballot sets its bit once.
    np.bitwise_or.at(masks, (owner, flat // 64), bits)
    rows, first, inverse = _unique_rows(masks)
    counts = np.fromiter(raw.values(), dtype=np.int64, count=len(ballots))
    multiplicity = np.bincount(inverse, weights=counts).astype(np.int64)
    keep = rows.any(axis=1)
    group_of = np.cumsum(keep) - 1
    representative = np.zeros(len(ballots), dtype=bool)
    representative[first[keep]] = True
    chosen = representative[owner]
    groups = int(keep.sum())
    # Sorting project-major keys orders each project's supporters and exposes in-ballot duplicates.
    key = np.sort(flat[chosen] * groups + group_of[inverse][owner[chosen]])
    key = key[np.diff(key, prepend=-1) != 0]
    project, group = key // max(groups, 1), key % max(groups, 1)
    bounds = np.cumsum(np.bincount(project, minlength=len(index)))[:-1]
    supporters = tuple(np.split(group, bounds))
    utility = tuple(np.ones(len(s), dtype=np.int64) for s in supporters)
    return multiplicity[keep], supporters, utility


def _unique_rows(masks: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint64], IntArray, IntArray]:
    """Distinct rows in ascending order, the first occurrence of each, and each row's distinct index.

    A lexsort on the columns; ``np.unique(axis=0)`` compares rows as opaque bytes and is several times slower.
    """
    order = np.lexsort(masks.T[::-1])
    ordered = masks[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    distinct = np.cumsum(starts) - 1
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = distinct
    return ordered[starts], order[starts], inverse


def _by_project(keys: list[UtilityKey], projects: int) -> tuple[tuple[IntArray, ...], tuple[IntArray, ...]]:
    """Per project, the groups that support it (ascending) and their utilities."""
    lengths = np.fromiter((len(key) for key in keys), dtype=np.int64, count=len(keys))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(keys)), dtype=np.int64).reshape(-1, 2)
    groups = np.repeat(np.arange(len(keys), dtype=np.int64), lengths)
    order = np.argsort(flat[:, 0], kind="stable")
    bounds = np.cumsum(np.bincount(flat[:, 0], minlength=projects))[:-1]
    supporters = tuple(np.split(groups[order], bounds))
    utility = tuple(np.split(flat[order, 1], bounds))
    return supporters, utility


@dataclass(frozen=True, slots=True)
class Purchase:
    """One round of an equal-shares run: the project bought and what its supporters paid."""

    project: int
    rho: float
    """Price per unit of satisfaction (pabutools' affordability), rounded for display."""
    price: float
    """What a supporter with one unit of utility pays (for cost utilities: the price per supporter)."""
    payers: int
    """Voters who paid something."""
    exhausted: int
    """Voters who could not pay the full price and gave all they had left."""
    tied: tuple[int, ...] = ()
    """The projects that were exactly as good, when there was a tie."""
    by: str = ""
    """The tie-break criterion that decided, when there was a tie."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """The purchases of one equal-shares run and the money its voters kept."""

    purchases: tuple[Purchase, ...]
    left: tuple[float, ...]
    """Per project, the money its supporters had left at the end (for explanations)."""
    exact: bool
    """Whether the run needed exact arithmetic (a close call) or the fast path settled every decision."""
