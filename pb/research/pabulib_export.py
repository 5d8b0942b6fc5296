"""The Pabulib ``.pb`` file of a research export: META, PROJECTS and VOTES, the ballots streamed in chunks.

Fields are written in the order of the Pabulib format (the order ``pabulib-checker`` expects), so the checker
has nothing to say about the layout. Everything a re-tally needs is in the file: the rule (META ``rule``), the
ballot limits, and for ranked ballots the points each rank was worth (a ``points`` column in VOTES, the first
choice's points in META ``max_points``, the positional score in PROJECTS ``score``); what Pabulib has no key
for (rule parameters, the tie-break and its seed) is stated in META ``comment``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pb.research.anonymise import ANY, ATTRIBUTES
from pb.research.ballot_table import BallotTable
from pb.research.export_data import Anonymised, BudgetData, Progress
from pb.results.counting import VOTE_TYPES, format_meta

PABULIB_RULES = {"greedy": "greedy", "greedy-no-skip": "greedy-no-skip", "greedy-threshold": "greedy-threshold"}

META_ORDER = (
    "description", "country", "unit", "district", "subunit", "instance", "num_projects", "num_votes", "budget",
    "vote_type", "rule", "date_begin", "date_end", "min_length", "max_length", "min_sum_cost", "max_sum_cost",
    "min_points", "max_points", "min_sum_points", "max_sum_points", "default_score", "min_project_cost",
    "max_project_cost", "min_project_score_threshold", "language", "currency", "comment",
)
"""META keys in the Pabulib format's order."""
PROJECTS_ORDER = ("project_id", "cost", "votes", "score", "name", "selected")
VOTES_ORDER = ("voter_id", "vote", "points", "age", "sex", "voting_method", "district")
VOTES_NAMES = {"age_band": "age", "district": "district", "voting_method": "voting_method"}
"""The export's generalised attributes by their Pabulib VOTES column."""


def ordinal_points(data: BudgetData) -> int:
    """Points of a ranked first choice, as the tally used them (each later choice one fewer, never below 0).

    The outcome records the ``k`` it counted with; older outcomes did not, and then ``k`` is found as the tally
    finds it: the rule's ``ordinal_points``, else the budget's maximum number of choices, else the longest ballot.
    """
    recorded = (data.outcome.get("parameters") or {}).get("ordinal_points")
    if recorded is None:
        recorded = data.budget.rule_params.get("ordinal_points")
    if recorded is None:
        recorded = data.budget.max_selections
    if recorded is None:
        recorded = max((len(s) for s in data.ballot_table().distinct), default=0)
    return int(recorded)


def projects_frame(data: BudgetData, ballots: BallotTable | None = None) -> pd.DataFrame:
    """PROJECTS: approval and knapsack with votes, cumulative with its score (points); ranked ballots with the
    number of ballots naming the project (votes) and pb's positional score (score), which the ``points`` column
    of VOTES adds up to."""
    kind = VOTE_TYPES[data.budget.ballot_format]
    named = (ballots if ballots is not None else data.ballot_table()).ballots_per_project() if kind == "ordinal" else {}
    rows = []
    for p in data.outcome["projects"]:
        support = {"votes": _whole(p["support"])} if kind == "approval" else {"score": _whole(p["support"])}
        if kind == "ordinal":
            support = {"votes": named.get(p["code"], 0), **support}
        rows.append({"project_id": p["code"], "cost": p["cost"] / 100, **support,
                     "name": data.titles.get(p["code"], ""), "selected": int(p["status"] == "funded")})
    frame = pd.DataFrame(rows)
    return frame[[c for c in PROJECTS_ORDER if c in frame.columns]]


def _whole(value: Any) -> int:
    return int(value) if isinstance(value, int) else round(float(value))


def pabulib_meta(data: BudgetData, count: int) -> dict[str, str]:
    """META, keys in the Pabulib format's order."""
    rule = data.budget.rule
    if rule == "equal-shares":
        completion = data.budget.rule_params.get("completion", "add1")
        name = {"add1": "equalshares/add1", "none": "equalshares"}.get(completion, "unknown")
    else:
        name = PABULIB_RULES.get(rule, "unknown")
    meta = {
        "description": data.description, "country": "Finland", "unit": data.unit, "instance": data.instance,
        "num_projects": str(len(data.budget.projects)), "num_votes": str(count),
        "budget": f"{data.budget.amount / 100:.2f}".removesuffix(".00"), "rule": name,
        "date_begin": data.date_begin, "date_end": data.date_end, "language": data.language, "currency": "EUR",
        **format_meta(data.budget), "comment": _comment(data),
    }
    if meta["vote_type"] == "ordinal":
        meta["max_points"] = str(ordinal_points(data))
    return {key: meta[key] for key in META_ORDER if key in meta}


def _comment(data: BudgetData) -> str:
    """How pb counted, in words, for what Pabulib has no key: the rule's parameters, tie-break and lot seed."""
    outcome: Mapping[str, Any] = data.outcome
    given = sorted(data.budget.rule_params.items())
    params = ", ".join(f"{name}={value}" for name, value in given) or "none"
    text = (f"#1: Tallied by pb with rule {data.budget.rule} (parameters: {params}), "
            f"tie-break {outcome.get('tie_break', data.budget.tie_break)}, lot seed {outcome.get('seed')}.")
    if VOTE_TYPES[data.budget.ballot_format] == "ordinal":
        text += (f" A ranked ballot gives its first choice {ordinal_points(data)} points and each later choice "
                 "one point fewer (never below 0), as its points column shows.")
    return text


def _strings(anon: Anonymised) -> tuple[list[str], list[str]]:
    """Each distinct ballot's VOTES ``vote`` and ``points`` cells: points best first (ties by project id);
    ranked ballots in rank order with the points each rank was worth."""
    ordinal = VOTE_TYPES[anon.data.budget.ballot_format] == "ordinal"
    k = ordinal_points(anon.data) if ordinal else 0
    votes, points = [], []
    for s in anon.ballots.distinct:
        if isinstance(s, dict):
            pairs = sorted(s.items(), key=lambda item: (-item[1], item[0]))
        else:
            pairs = [(c, max(k - i, 0)) for i, c in enumerate(s)]
        votes.append(",".join(c for c, _ in pairs))
        points.append(",".join(str(n) for _, n in pairs) if isinstance(s, dict) or ordinal else "")
    return votes, points


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """Values by number; repeated category labels (two ballots can share a cell text) are fine to write."""
    unique, inverse = np.unique(np.asarray(categories, dtype=object), return_inverse=True)
    numbers = np.asarray(inverse[codes] if len(codes) else codes, dtype=np.int64)
    return pd.Categorical.from_codes(numbers, categories=pd.Index(unique))


def _votes_chunk(anon: Anonymised, start: int, stop: int, cells: tuple[list[str], list[str]]) -> pd.DataFrame:
    """VOTES rows: voter_id, vote[, points][, age, voting_method, district]; "*" written as empty."""
    rows = anon.rows(start, stop)
    frame = pd.DataFrame({"voter_id": anon.voter_ids[start:stop]})
    frame["vote"] = _categorical(rows, cells[0])
    if VOTE_TYPES[anon.data.budget.ballot_format] in ("cumulative", "ordinal"):
        frame["points"] = _categorical(rows, cells[1])
    if anon.attributes is not None:
        for column in ATTRIBUTES:
            values = anon.attributes[column].iloc[start:stop].astype("category")
            frame[VOTES_NAMES[column]] = values.cat.rename_categories(
                ["" if c == ANY else c for c in values.cat.categories]
            ).to_numpy()
    return frame[[c for c in VOTES_ORDER if c in frame.columns]]


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
