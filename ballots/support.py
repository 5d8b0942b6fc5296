"""Support per project, and the compiled numpy form of a profile that rules compute on.

A voter's *utility* for a project, as the rules here count it:

- approval, choose-1: 1 for each approved project (rules with cost utilities multiply by the cost);
- cumulative, scoring: the points the voter gave;
- ordinal: a positional score: the first choice gets ``k`` points, the second ``k - 1`` and so on (never
  below 0), where ``k`` is META ``max_length`` or, without it, the longest ballot; ``ordinal_points``
  overrides ``k``. This is the Borda-like score Pabulib and the Kraków ordinal elections use.

A project's *support* is the sum of its utilities over all voters: approvals, points or positional score.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain

import numpy as np
import numpy.typing as npt

from ballots.instance import Instance, Money
from ballots.profile import Profile

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledProfile:
    """A profile as flat numpy arrays over project indices, identical ballots merged.

    Projects are numbered in the instance's order (``project_ids[j]`` costs ``costs[j]``). Distinct ballots
    ("groups") are stored CSR-style: group ``g`` names the projects ``items[offsets[g]:offsets[g + 1]]``
    with the utilities ``utilities[offsets[g]:offsets[g + 1]]`` and is cast by ``multiplicity[g]`` voters.
    Groups come in a canonical order, so nothing computed from them depends on the order of the voters.
    """

    project_ids: tuple[str, ...]
    costs: tuple[Money, ...]
    """Exact costs, for every decision."""
    cost_array: FloatArray
    """Costs as floats, for fast estimates only."""
    offsets: IntArray
    items: IntArray
    utilities: IntArray
    multiplicity: IntArray
    support: IntArray
    """Per project: the sum of utilities over voters (approvals, points or positional score)."""
    approvals: IntArray
    """Per project: the number of voters whose ballot names it."""
    voters: int

    @property
    def group_count(self) -> int:
        return len(self.multiplicity)

    def group(self, g: int) -> tuple[IntArray, IntArray, int]:
        """The project indices, utilities and multiplicity of distinct ballot ``g``."""
        start, end = int(self.offsets[g]), int(self.offsets[g + 1])
        return self.items[start:end], self.utilities[start:end], int(self.multiplicity[g])

    def group_of_item(self) -> IntArray:
        """For each entry of ``items``, the group it belongs to (handy for ``np.add.at`` style sums)."""
        return np.repeat(np.arange(self.group_count, dtype=np.int64), np.diff(self.offsets))

    def support_map(self) -> dict[str, Fraction]:
        return {pid: Fraction(int(s)) for pid, s in zip(self.project_ids, self.support, strict=True)}


def ordinal_k(instance: Instance, profile: Profile, ordinal_points: int | None = None) -> int:
    """Points of an ordinal first choice: the override, else META max_length, else the longest ballot."""
    if ordinal_points is not None:
        return ordinal_points
    max_length = instance.meta.get("max_length", "").strip()
    if max_length.isdigit() and int(max_length) > 0:
        return int(max_length)
    return max((len(b.choices) for b in profile.ballots), default=0)


def _canonical(
    choices: tuple[str, ...], points: tuple[int, ...], index: dict[str, int], k: int | None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A ballot as (project indices, utilities): ranked for ordinal ballots (``k`` given), else sorted."""
    if k is not None:
        return tuple([index[c] for c in choices]), tuple([max(k - r, 0) for r in range(len(choices))])
    if not points:
        return tuple(sorted([index[c] for c in choices])), (1,) * len(choices)
    pairs = sorted(zip([index[c] for c in choices], points, strict=True))
    return tuple([j for j, _ in pairs]), tuple([u for _, u in pairs])


def compile_profile(
    instance: Instance, profile: Profile, *, ordinal_points: int | None = None
) -> CompiledProfile:
    """The compiled form of ``profile`` on ``instance``; see CompiledProfile."""
    index = {pid: j for j, pid in enumerate(instance.project_ids)}
    ordinal = profile.vote_type == "ordinal"
    k = ordinal_k(instance, profile, ordinal_points) if ordinal else 0
    # Identical ballots share their tuples, so counting raw contents first is cheap; canonical forms follow.
    raw = Counter((b.choices, b.points) for b in profile.ballots)
    groups: Counter[tuple[tuple[int, ...], tuple[int, ...]]] = Counter()
    for (choices, points), n in raw.items():
        groups[_canonical(choices, points, index, k if ordinal else None)] += n
    # Any fixed order would do; comparing machine bytes is several times faster than comparing tuples.
    ordered = sorted(groups.items(), key=lambda kv: array("q", kv[0][0] + kv[0][1]).tobytes())
    lengths = np.array([len(key[0]) for key, _ in ordered], dtype=np.int64)
    offsets = np.zeros(len(ordered) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    size = int(offsets[-1])
    items = np.fromiter(chain.from_iterable(key[0] for key, _ in ordered), dtype=np.int64, count=size)
    utility = np.fromiter(chain.from_iterable(key[1] for key, _ in ordered), dtype=np.int64, count=size)
    multiplicity = np.array([n for _, n in ordered], dtype=np.int64)
    weights = np.repeat(multiplicity, lengths)
    support = np.zeros(len(index), dtype=np.int64)
    np.add.at(support, items, utility * weights)
    approvals = np.zeros(len(index), dtype=np.int64)
    np.add.at(approvals, items, weights)
    costs = tuple(p.cost for p in instance.projects)
    return CompiledProfile(
        project_ids=instance.project_ids,
        costs=costs,
        cost_array=np.array([float(c) for c in costs], dtype=np.float64),
        offsets=offsets,
        items=items,
        utilities=utility,
        multiplicity=multiplicity,
        support=support,
        approvals=approvals,
        voters=len(profile.ballots),
    )


def support(
    instance: Instance, profile: Profile, *, ordinal_points: int | None = None
) -> dict[str, Fraction]:
    """Each project's support: approvals, points, or positional score (see the module docstring).

    Counts directly, without compiling the profile, so that rules needing only support (the greedy family)
    stay fast on city-size profiles.
    """
    counts: Counter[str] = Counter()
    if profile.vote_type in ("approval", "choose-1"):
        counts.update(chain.from_iterable(b.choices for b in profile.ballots))
    else:
        ordinal = profile.vote_type == "ordinal"
        k = ordinal_k(instance, profile, ordinal_points) if ordinal else 0
        for (choices, points), n in Counter((b.choices, b.points) for b in profile.ballots).items():
            for position, project in enumerate(choices):
                counts[project] += n * (max(k - position, 0) if ordinal else points[position])
    return {pid: Fraction(counts[pid]) for pid in instance.project_ids}
