"""Research exports of a published budget: Pabulib ``.pb``, CSV and Parquet, all from one anonymised dataset.

Ballots are put in a fresh random order with fresh random voter ids on every export (S4); the only voter
attributes are the generalised ones of pb.results.anonymise. pb's voting stores no voter attributes at all,
so exports of real rounds have no metadata columns; the anonymiser still guards any that are given.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pb.results.anonymise import ANY, ATTRIBUTES, Minimums, generalise, turnout_table
from pb.results.counting import VOTE_TYPES, Selections, format_meta

CHUNK = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PABULIB_RULES = {"greedy": "greedy", "greedy-no-skip": "greedy-no-skip", "greedy-threshold": "greedy-threshold"}
Progress = Callable[[int], None]


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


@dataclass(frozen=True, slots=True)
class Anonymised:
    data: BudgetData
    ballots: BallotTable
    order: np.ndarray
    voter_ids: np.ndarray
    attributes: pd.DataFrame | None
    turnout: pd.DataFrame


def anonymise(data: BudgetData, minimums: Minimums | None = None) -> Anonymised:
    """Random order and ids; generalised attributes with k-anonymity; the suppressed turnout table."""
    minimums = minimums or Minimums()
    rng = np.random.default_rng(secrets.randbits(128))
    ballots = _table(data)
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


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (G3)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns neutralised; they are turned into categories first, so each distinct value is seen once."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.CategoricalDtype):
            values = out[column].astype("category")
            out[column] = values.cat.rename_categories([neutralise(str(c)) for c in values.cat.categories])
    return out


def _table(data: BudgetData, ballots: BallotTable | None = None) -> BallotTable:
    if ballots is not None:
        return ballots
    if isinstance(data.ballots, BallotTable):
        return data.ballots
    return BallotTable.of(data.ballots, [str(p["code"]) for p in data.spec["projects"]])


def projects_frame(data: BudgetData, ballots: BallotTable | None = None) -> pd.DataFrame:
    """PROJECTS: approval and knapsack with votes, cumulative with its score (points); ranked ballots with the
    number of ballots naming the project (pb's positional score is not Pabulib's, whose checker counts
    ``len(ballot) - position``; see docs/results.md)."""
    kind = VOTE_TYPES[data.spec["ballot_format"]]
    named = _table(data, ballots).ballots_per_project() if kind == "ordinal" else {}
    support = {"approval": "votes", "cumulative": "score", "ordinal": "votes"}[kind]
    rows = [
        {"project_id": p["code"], "cost": p["cost"] / 100,
         support: named.get(p["code"], 0) if kind == "ordinal" else _whole(p["support"]),
         "selected": int(p["status"] == "funded"), "name": data.titles.get(p["code"], "")}
        for p in data.outcome["projects"]
    ]
    return pd.DataFrame(rows)


def results_frame(data: BudgetData) -> pd.DataFrame:
    rows = [
        {"project_id": p["code"], "cost_eur": p["cost"] / 100, "support": str(p["support"]), "status": p["status"],
         "reason": p["reason"]}
        for p in data.outcome["projects"]
    ]
    return pd.DataFrame(rows)


def _whole(value: Any) -> int:
    return int(value) if isinstance(value, int) else round(float(value))


def pabulib_meta(data: BudgetData, count: int) -> dict[str, str]:
    rule = data.spec["rule"]
    if rule == "equal-shares":
        completion = (data.spec["rule_params"] or {}).get("completion", "add1")
        name = {"add1": "equalshares/add1", "none": "equalshares"}.get(completion, "unknown")
    else:
        name = PABULIB_RULES.get(rule, "unknown")
    meta = {
        "description": data.description, "country": "Finland", "unit": data.unit, "instance": data.instance,
        "num_projects": str(len(data.spec["projects"])), "num_votes": str(count),
        "budget": f"{int(data.spec['amount']) / 100:.2f}".removesuffix(".00"), "rule": name,
        "date_begin": data.date_begin, "date_end": data.date_end, "language": data.language, "currency": "EUR",
    }
    return {**meta, **format_meta(data.spec)}


def _rows(anon: Anonymised, start: int, stop: int) -> np.ndarray:
    """The distinct-ballot numbers of the export's rows ``start:stop`` (in the export's random order)."""
    rows: np.ndarray = anon.ballots.index[anon.order[start:stop]]
    return rows


def _strings(anon: Anonymised) -> tuple[list[str], list[str]]:
    """Each distinct ballot's VOTES ``vote`` and ``points`` cells."""
    votes, points = [], []
    for s in anon.ballots.distinct:
        pairs = sorted(s.items()) if isinstance(s, dict) else [(c, None) for c in s]
        votes.append(",".join(c for c, _ in pairs))
        points.append(",".join(str(n) for _, n in pairs) if isinstance(s, dict) else "")
    return votes, points


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """Values by number; repeated category labels (two ballots can share a cell text) are fine to write."""
    unique, inverse = np.unique(np.asarray(categories, dtype=object), return_inverse=True)
    numbers = np.asarray(inverse[codes] if len(codes) else codes, dtype=np.int64)
    return pd.Categorical.from_codes(numbers, categories=pd.Index(unique))


def _votes_chunk(anon: Anonymised, start: int, stop: int, cells: tuple[list[str], list[str]]) -> pd.DataFrame:
    """VOTES rows: voter_id, vote[, points][, age, district, voting_method]; "*" written as empty."""
    rows = _rows(anon, start, stop)
    frame = pd.DataFrame({"voter_id": anon.voter_ids[start:stop]})
    frame["vote"] = _categorical(rows, cells[0])
    if VOTE_TYPES[anon.data.spec["ballot_format"]] == "cumulative":
        frame["points"] = _categorical(rows, cells[1])
    if anon.attributes is not None:
        names = {"age_band": "age", "district": "district", "voting_method": "voting_method"}
        for column in ATTRIBUTES:
            values = anon.attributes[column].iloc[start:stop].astype("category")
            frame[names[column]] = values.cat.rename_categories(
                ["" if c == ANY else c for c in values.cat.categories]
            ).to_numpy()
    return frame


def write_pb(anon: Anonymised, out: TextIO, progress: Progress | None = None) -> None:
    """The Pabulib file, streamed in chunks of ballots."""
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([["META"], ["key", "value"], *pabulib_meta(anon.data, len(anon.order)).items(), ["PROJECTS"]])
    projects = projects_frame(anon.data, anon.ballots)
    writer.writerow(list(projects.columns))
    writer.writerows(projects.itertuples(index=False, name=None))
    writer.writerow(["VOTES"])
    cells = _strings(anon)
    for start in range(0, len(anon.order), CHUNK) or [0]:
        stop = min(start + CHUNK, len(anon.order))
        _votes_chunk(anon, start, stop, cells).to_csv(out, sep=";", index=False, header=start == 0, lineterminator="\n")
        if progress:
            progress(stop - start)


def ballots_long(
    anon: Anonymised, start: int, stop: int, layout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """One row per (voter, project): rank (ranked ballots) or points (cumulative), with the voter attributes."""
    ranked = anon.data.spec["ballot_format"] == "ranked"
    offsets, items, values = layout or anon.ballots.layout()
    rows = _rows(anon, start, stop)
    lengths = offsets[rows + 1] - offsets[rows]
    total = int(lengths.sum())
    firsts = np.repeat(offsets[rows], lengths)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = firsts + within
    value = values[positions] if (ranked or VOTE_TYPES[anon.data.spec["ballot_format"]] == "cumulative") else (
        np.ones(total, dtype=np.int32))
    frame = pd.DataFrame({
        "voter_id": np.repeat(anon.voter_ids[start:stop], lengths),
        "project_id": pd.Categorical.from_codes(np.asarray(items[positions], dtype=np.int64),
                                                categories=pd.Index(list(anon.ballots.codes))),
        "rank" if ranked else "points": value.astype(np.int32),
    })
    if anon.attributes is not None:
        for column in ATTRIBUTES:
            frame[column] = pd.Categorical(np.repeat(anon.attributes[column].to_numpy()[start:stop], lengths))
    return frame


def write_tables(
    anon: Anonymised, directory: Path, stem: str, fmt: str, progress: Progress | None = None
) -> list[Path]:
    """projects, ballots (long), results and turnout tables as CSV or Parquet; ballots written in chunks."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "projects": projects_frame(anon.data, anon.ballots), "results": results_frame(anon.data),
        "turnout": anon.turnout.reset_index(),
    }
    paths = []
    for name, frame in tables.items():
        path = directory / f"{stem}_{name}.{fmt}"
        _write(safe_frame(frame), path, fmt)
        paths.append(path)
    path = directory / f"{stem}_ballots.{fmt}"
    _write_ballots(anon, path, fmt, progress)
    return [*paths, path]


def _write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def _write_ballots(anon: Anonymised, path: Path, fmt: str, progress: Progress | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    layout = anon.ballots.layout()
    with path.open("w", encoding="utf-8", newline="") if fmt == "csv" else _nothing() as text:
        for start in range(0, len(anon.order), CHUNK) or [0]:
            stop = min(start + CHUNK, len(anon.order))
            frame = ballots_long(anon, start, stop, layout)
            if fmt == "csv":
                assert text is not None
                safe_frame(frame).to_csv(text, index=False, header=start == 0)
            else:
                table = pa.Table.from_pandas(safe_frame(frame), preserve_index=False)
                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            if progress:
                progress(stop - start)
    if writer is not None:
        writer.close()


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def pb_text(anon: Anonymised) -> str:
    out = io.StringIO(newline="")
    write_pb(anon, out)
    return out.getvalue()
