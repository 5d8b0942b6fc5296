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
    ballots: Sequence[Selections]
    voters: pd.DataFrame | None = None
    """Optional raw voter attributes (age, district, voting_method), one row per ballot."""


@dataclass(frozen=True, slots=True)
class Anonymised:
    data: BudgetData
    order: np.ndarray
    voter_ids: np.ndarray
    attributes: pd.DataFrame | None
    turnout: pd.DataFrame


def anonymise(data: BudgetData, minimums: Minimums | None = None) -> Anonymised:
    """Random order and ids; generalised attributes with k-anonymity; the suppressed turnout table."""
    minimums = minimums or Minimums()
    rng = np.random.default_rng(secrets.randbits(128))
    n = len(data.ballots)
    order = rng.permutation(n)
    ids = np.unique(rng.integers(1, 2**53, size=n))
    while len(ids) < n:  # a collision among 2**53 values: draw again
        ids = np.unique(np.concatenate([ids, rng.integers(1, 2**53, size=n - len(ids))]))
    ids = rng.permutation(ids)
    attributes = None
    if data.voters is not None and len(data.voters.columns):
        attributes = generalise(data.voters.iloc[order].reset_index(drop=True), minimums)
    turnout = turnout_table(attributes if attributes is not None else pd.DataFrame(), minimums)
    return Anonymised(data, order, ids, attributes, turnout)


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


def projects_frame(data: BudgetData) -> pd.DataFrame:
    support = "score" if VOTE_TYPES[data.spec["ballot_format"]] != "approval" else "votes"
    rows = [
        {"project_id": p["code"], "cost": p["cost"] / 100, support: _whole(p["support"]),
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


def _selections(anon: Anonymised, start: int, stop: int) -> list[Selections]:
    ballots = anon.data.ballots
    return [ballots[i] for i in anon.order[start:stop].tolist()]


def _votes_chunk(anon: Anonymised, start: int, stop: int) -> pd.DataFrame:
    """VOTES rows: voter_id, vote[, points][, age, district, voting_method]; "*" written as empty."""
    chosen = _selections(anon, start, stop)
    frame = pd.DataFrame({"voter_id": anon.voter_ids[start:stop]})
    if VOTE_TYPES[anon.data.spec["ballot_format"]] == "cumulative":
        pairs = [sorted(s.items()) if isinstance(s, dict) else [] for s in chosen]
        frame["vote"] = [",".join(c for c, _ in p) for p in pairs]
        frame["points"] = [",".join(str(n) for _, n in p) for p in pairs]
    else:
        frame["vote"] = [",".join(s) for s in chosen]
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
    projects = projects_frame(anon.data)
    writer.writerow(list(projects.columns))
    writer.writerows(projects.itertuples(index=False, name=None))
    writer.writerow(["VOTES"])
    for start in range(0, len(anon.order), CHUNK) or [0]:
        stop = min(start + CHUNK, len(anon.order))
        _votes_chunk(anon, start, stop).to_csv(out, sep=";", index=False, header=start == 0, lineterminator="\n")
        if progress:
            progress(stop - start)


def ballots_long(anon: Anonymised, start: int, stop: int) -> pd.DataFrame:
    """One row per (voter, project): rank (ranked ballots) or points (cumulative), with the voter attributes."""
    ranked = anon.data.spec["ballot_format"] == "ranked"
    chosen = _selections(anon, start, stop)
    lengths = np.fromiter((len(s) for s in chosen), dtype=np.int64, count=len(chosen))
    project = [c for s in chosen for c in (sorted(s) if isinstance(s, dict) else s)]
    if any(isinstance(s, dict) for s in chosen):
        value = np.fromiter((n for s in chosen if isinstance(s, dict) for _, n in sorted(s.items())), dtype=np.int32)
    elif ranked:
        value = np.concatenate([np.arange(1, n + 1, dtype=np.int32) for n in lengths.tolist()] or [np.zeros(0)])
    else:
        value = np.ones(len(project), dtype=np.int32)
    frame = pd.DataFrame({
        "voter_id": np.repeat(anon.voter_ids[start:stop], lengths),
        "project_id": pd.Categorical(project),
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
        "projects": projects_frame(anon.data), "results": results_frame(anon.data),
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
    with path.open("w", encoding="utf-8", newline="") if fmt == "csv" else _nothing() as text:
        for start in range(0, len(anon.order), CHUNK) or [0]:
            stop = min(start + CHUNK, len(anon.order))
            frame = ballots_long(anon, start, stop)
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
