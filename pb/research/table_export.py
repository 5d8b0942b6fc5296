"""The CSV and Parquet tables of a research export: projects, ballots (one row per voter and project), results
and turnout, with text cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pb.research.anonymise import ATTRIBUTES
from pb.research.export_data import Anonymised, BudgetData, Progress
from pb.research.pabulib_export import ordinal_points, projects_frame
from pb.results.counting import VOTE_TYPES, reason_code

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def results_frame(data: BudgetData) -> pd.DataFrame:
    rows = [
        {"project_id": p["code"], "cost_eur": p["cost"] / 100, "support": str(p["support"]), "status": p["status"],
         "reason": reason_code(p)}
        for p in data.outcome["projects"]
    ]
    return pd.DataFrame(rows)


def ballots_long(
    anon: Anonymised, start: int, stop: int, layout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """One row per (voter, project): rank and the points it was worth (ranked ballots), points (cumulative) or 1
    (approval), with the voter attributes."""
    ranked = anon.data.budget.ballot_format == "ranked"
    offsets, items, values = layout or anon.ballots.layout()
    rows = anon.rows(start, stop)
    lengths = offsets[rows + 1] - offsets[rows]
    total = int(lengths.sum())
    firsts = np.repeat(offsets[rows], lengths)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = firsts + within
    value = values[positions] if (ranked or VOTE_TYPES[anon.data.budget.ballot_format] == "cumulative") else (
        np.ones(total, dtype=np.int32))
    frame = pd.DataFrame({
        "voter_id": np.repeat(anon.voter_ids[start:stop], lengths),
        "project_id": pd.Categorical.from_codes(np.asarray(items[positions], dtype=np.int64),
                                                categories=pd.Index(list(anon.ballots.codes))),
        "rank" if ranked else "points": value.astype(np.int32),
    })
    if ranked:
        frame["points"] = np.maximum(ordinal_points(anon.data) + 1 - value, 0).astype(np.int32)
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
        "turnout": anon.turnout,
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
    with path.open("w", encoding="utf-8", newline="") if fmt == "csv" else nullcontext() as text:
        for start, stop in anon.chunks():
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
