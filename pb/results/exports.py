"""Research exports of a published budget: Pabulib ``.pb``, CSV and Parquet, all from one anonymised dataset.

Ballots are put in a fresh random order with fresh random voter ids on every export (S4); the only voter
attributes are the generalised ones of pb.results.anonymise. pb's voting stores no voter attributes at all,
so exports of real rounds have no metadata columns; the anonymiser still guards any that are given.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(neutralise)
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


def _vote_rows(anon: Anonymised, start: int, stop: int) -> Iterator[list[Any]]:
    points = VOTE_TYPES[anon.data.spec["ballot_format"]] == "cumulative"
    for i in range(start, stop):
        selections = anon.data.ballots[int(anon.order[i])]
        row: list[Any] = [int(anon.voter_ids[i])]
        if isinstance(selections, dict):
            pairs = sorted(selections.items())
            row += [",".join(c for c, _ in pairs), ",".join(str(p) for _, p in pairs)]
        else:
            row += [",".join(selections)] + ([""] if points else [])
        if anon.attributes is not None:
            row += [("" if v == ANY else v) for v in anon.attributes.iloc[i]]
        yield row


def write_pb(anon: Anonymised, out: TextIO, progress: Progress | None = None) -> None:
    """The Pabulib file, streamed in chunks of ballots."""
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([["META"], ["key", "value"], *pabulib_meta(anon.data, len(anon.order)).items(), ["PROJECTS"]])
    projects = projects_frame(anon.data)
    writer.writerow(list(projects.columns))
    writer.writerows(projects.itertuples(index=False, name=None))
    writer.writerow(["VOTES"])
    points = VOTE_TYPES[anon.data.spec["ballot_format"]] == "cumulative"
    voter_columns = ["age", "district", "voting_method"] if anon.attributes is not None else []
    writer.writerow(["voter_id", "vote", *(["points"] if points else []), *voter_columns])
    for start in range(0, len(anon.order), CHUNK):
        stop = min(start + CHUNK, len(anon.order))
        writer.writerows(_vote_rows(anon, start, stop))
        if progress:
            progress(stop - start)


def ballots_long(anon: Anonymised, start: int, stop: int) -> pd.DataFrame:
    """One row per (voter, project): rank (ranked ballots) or points (cumulative), with the voter attributes."""
    voter, project, value = [], [], []
    ranked = anon.data.spec["ballot_format"] == "ranked"
    for i in range(start, stop):
        selections = anon.data.ballots[int(anon.order[i])]
        items = sorted(selections.items()) if isinstance(selections, dict) else [
            (code, rank + 1 if ranked else 1) for rank, code in enumerate(selections)
        ]
        for code, number in items:
            voter.append(i)
            project.append(code)
            value.append(number)
    positions = np.asarray(voter, dtype=np.int64)
    frame = pd.DataFrame({
        "voter_id": anon.voter_ids[positions] if len(positions) else np.asarray([], dtype=np.int64),
        "project_id": pd.Categorical(project),
        "rank" if ranked else "points": np.asarray(value, dtype=np.int32),
    })
    if anon.attributes is not None:
        for column in ATTRIBUTES:
            frame[column] = anon.attributes[column].to_numpy()[positions]
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
                table = pa.Table.from_pandas(safe_frame(frame).astype({"project_id": str}), preserve_index=False)
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
