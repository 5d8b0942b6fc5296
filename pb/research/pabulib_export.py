"""The Pabulib ``.pb`` file of a research export: META, PROJECTS and VOTES, the ballots streamed in chunks."""

from __future__ import annotations

import csv
import io
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pb.research.anonymise import ANY, ATTRIBUTES
from pb.research.ballot_table import BallotTable
from pb.research.export_data import Anonymised, BudgetData, Progress
from pb.results.counting import VOTE_TYPES, format_meta

PABULIB_RULES = {"greedy": "greedy", "greedy-no-skip": "greedy-no-skip", "greedy-threshold": "greedy-threshold"}


def projects_frame(data: BudgetData, ballots: BallotTable | None = None) -> pd.DataFrame:
    """PROJECTS: approval and knapsack with votes, cumulative with its score (points); ranked ballots with the
    number of ballots naming the project (pb's positional score is not Pabulib's, whose checker counts
    ``len(ballot) - position``; see docs/results.md)."""
    kind = VOTE_TYPES[data.spec["ballot_format"]]
    named = (ballots if ballots is not None else data.ballot_table()).ballots_per_project() if kind == "ordinal" else {}
    support = {"approval": "votes", "cumulative": "score", "ordinal": "votes"}[kind]
    rows = [
        {"project_id": p["code"], "cost": p["cost"] / 100,
         support: named.get(p["code"], 0) if kind == "ordinal" else _whole(p["support"]),
         "selected": int(p["status"] == "funded"), "name": data.titles.get(p["code"], "")}
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
    rows = anon.rows(start, stop)
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
    for start, stop in anon.chunks():
        _votes_chunk(anon, start, stop, cells).to_csv(out, sep=";", index=False, header=start == 0, lineterminator="\n")
        if progress:
            progress(stop - start)


def pb_text(anon: Anonymised) -> str:
    out = io.StringIO(newline="")
    write_pb(anon, out)
    return out.getvalue()
