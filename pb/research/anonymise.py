"""Anonymising what research exports publish about voters (P9, S4).

Exports carry no names, subjects, pseudonyms, receipts or timestamps: only random per-export voter ids, the
ballot, and the generalised attributes below. Ages are published in bands. Every combination of attributes
published next to ballots is shared by at least ``min_class`` voters: records in smaller classes are
generalised step by step (10-year age band, 20-year band, voting method dropped, age dropped, district
dropped), and a last class still too small is merged into others or withheld. Aggregate tables suppress cells
under ``min_cell`` voters and then suppress complementary cells so that no line (row or column, totals
included) has exactly one suppressed cell: a suppressed count can then never be recovered by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ATTRIBUTES = ("age_band", "district", "voting_method")
ANY = "*"
BANDS_10 = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74))
BANDS_20 = ((15, 34), (35, 54), (55, 74))
TOP = 75
SUPPRESSED = -1


@dataclass(frozen=True, slots=True)
class Minimums:
    min_class: int = 10
    """Fewest voters sharing a combination of attributes published with ballots."""
    min_cell: int = 5
    """Fewest voters in a published cell of an aggregate table."""


def age_band(ages: pd.Series, bands: tuple[tuple[int, int], ...]) -> pd.Series:
    """Exact ages as band labels ("35-44", "75-120"); missing or under-age as "*"."""
    labels = np.full(len(ages), ANY, dtype=object)
    values = pd.to_numeric(ages, errors="coerce").to_numpy(dtype=float)
    for low, high in bands:
        labels[(values >= low) & (values <= high)] = f"{low}-{high}"
    labels[values >= TOP] = f"{TOP}-120"
    return pd.Series(labels, index=ages.index, dtype=object)


def _levels(voters: pd.DataFrame) -> list[pd.DataFrame]:
    """The published attributes at each level of generalisation, most detailed first."""
    age10, age20 = age_band(voters["age"], BANDS_10), age_band(voters["age"], BANDS_20)
    district = voters["district"].fillna(ANY).astype(object)
    method = voters["voting_method"].fillna(ANY).astype(object)
    star = pd.Series(ANY, index=voters.index, dtype=object)
    steps = [(age10, district, method), (age20, district, method), (age20, district, star),
             (star, district, star), (star, star, star)]
    return [pd.DataFrame(dict(zip(ATTRIBUTES, step, strict=True))) for step in steps]


def _class_sizes(published: pd.DataFrame) -> pd.Series:
    return published.groupby(list(ATTRIBUTES), sort=False, dropna=False)[ATTRIBUTES[0]].transform("size")


def generalise(voters: pd.DataFrame, minimums: Minimums = Minimums()) -> pd.DataFrame:
    """Published attributes (age_band, district, voting_method) for voters with age, district, voting_method.

    The result has one row per voter in the same order; every published combination has at least
    ``minimums.min_class`` members, or is entirely "*" when the whole set is smaller than that.
    """
    if voters.empty:
        return pd.DataFrame({a: pd.Series(dtype=object) for a in ATTRIBUTES})
    levels = _levels(voters)
    level = np.zeros(len(voters), dtype=np.int8)
    published = levels[0].copy()
    for step in range(1, len(levels)):
        small = (_class_sizes(published) < minimums.min_class).to_numpy()
        if not small.any():
            break
        level[small] = step
        published.loc[small] = levels[step].loc[small]
    _merge_last_small_class(published, minimums.min_class)
    return published.reset_index(drop=True)


def _merge_last_small_class(published: pd.DataFrame, k: int) -> None:
    """Records left in a small class (only the all-"*" one can be) take the smallest other classes along."""
    while True:
        sizes = _class_sizes(published)
        small = sizes < k
        if not small.any() or small.all():
            if small.all():
                published.loc[:, list(ATTRIBUTES)] = ANY
            return
        others = sizes[~small & (published != ANY).any(axis=1)]
        if others.empty:
            published.loc[:, list(ATTRIBUTES)] = ANY
            return
        smallest = published.loc[int(others.idxmin())]  # type: ignore[call-overload]
        same = (published[list(ATTRIBUTES)] == smallest).all(axis=1)
        published.loc[same | small, list(ATTRIBUTES)] = ANY


def suppress_table(
    counts: pd.DataFrame, minimums: Minimums = Minimums(), *, public_total: bool = False
) -> pd.DataFrame:
    """A count table with margins ("total" row and column); small cells and their complements become -1.

    Primary: non-zero cells under ``min_cell``. Secondary: while some row or column (with its total) has
    exactly one suppressed cell, also suppress that line's smallest other published cell (non-zero first).
    With ``public_total`` the grand total is published whatever its size (it is the board's ballot count,
    public anyway); a suppressed cell that only public cells could then complement is public too, so shown.
    """
    table = counts.copy()
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    values = table.to_numpy(dtype=np.int64)
    public = np.zeros(values.shape, dtype=bool)
    public[-1, -1] = public_total
    hidden = (values > 0) & (values < minimums.min_cell) & ~public
    while _complete_suppression(values, hidden, public):
        pass
    values[hidden] = SUPPRESSED
    return pd.DataFrame(values, index=table.index, columns=table.columns)


def _complete_suppression(values: np.ndarray, hidden: np.ndarray, public: np.ndarray) -> bool:
    """One pass of secondary suppression over rows and columns; whether it changed anything."""
    changed = False
    for axis in (0, 1):
        for line in np.flatnonzero(hidden.sum(axis=axis) == 1):
            at = (slice(None), line) if axis == 0 else (line, slice(None))
            cells, mask, fixed = values[at], hidden[at], public[at]
            candidates = [(cells[i] == 0, cells[i], i) for i in range(len(cells)) if not mask[i] and not fixed[i]]
            if candidates:
                mask[min(candidates)[2]] = True
            else:  # the one hidden cell is what public cells add up to: it is public
                fixed[mask] = True
                mask[:] = False
            changed = True
    return changed


def turnout_table(published: pd.DataFrame | None, ballots: int, minimums: Minimums = Minimums()) -> pd.DataFrame:
    """Ballots by district and age band (the generalised attributes), margins included, one row per cell.

    ``voters`` is the count, empty where it is suppressed, and ``suppressed`` says so. Without attributes (pb
    stores none) the table is the one "total" cell: the number of ballots, which the board publishes anyway.
    """
    if published is None or published.empty:
        table = pd.DataFrame({"total": [ballots]}, index=pd.Index(["total"]))
    else:
        table = suppress_table(pd.crosstab(published["district"], published["age_band"]), minimums,
                               public_total=True)
    frame = table.rename_axis("district").reset_index().melt(id_vars="district", var_name="age_band",
                                                              value_name="voters")
    frame["suppressed"] = frame["voters"] == SUPPRESSED
    frame["voters"] = frame["voters"].astype("Int64").mask(frame["suppressed"])
    frame["district"], frame["age_band"] = frame["district"].astype(str), frame["age_band"].astype(str)
    return frame
