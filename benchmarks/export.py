"""Export a synthetic 1,000,000-ballot budget to .pb, CSV and Parquet, against a plain pandas write of the same rows.

pb's side is the research export as pb runs it: anonymisation, the Pabulib file, then the tables as CSV and
Parquet. The reference writes the same ballots and voter columns with pandas alone (the votes CSV, the long
ballots table as CSV and Parquet), with no anonymisation and no .pb file: it is the floor of writing these rows,
so pb does strictly more work. Each side runs in its own process so that its peak memory (max RSS) is its own.
The last line is ``ballots=... pb_s=... pandas_s=... ratio_vs_pandas=... peak_mb=...``: ``ratio_vs_pandas`` is
pandas' time over pb's, as every benchmark's ratio reads (below 1: pb is slower than the bare write), and
``peak_mb`` the pb export's process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pb.rounds.frozen_config import BudgetConfig

BALLOTS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
PROJECTS = 50


def synthetic(n: int) -> tuple[BudgetConfig, list[list[str]], pd.DataFrame]:
    from pb.rounds.frozen_config import BudgetConfig, ProjectConfig

    rng = np.random.default_rng(2027)
    codes = [f"P{i:02d}" for i in range(PROJECTS)]
    popularity = rng.dirichlet(np.ones(PROJECTS) * 0.7)
    lengths = rng.integers(1, 6, size=n)
    picks = rng.choice(PROJECTS, size=(n, 5), p=popularity)
    ballots = [sorted({codes[j] for j in row[:k]}) for row, k in zip(picks.tolist(), lengths.tolist(), strict=True)]
    spec = BudgetConfig(id=1, slug="synthetic", amount=100_000_000, ballot_format="approval", min_selections=0,
                        max_selections=5, max_cost=None, max_points_per_project=None, max_total_points=None,
                        rule="greedy", rule_params={}, tie_break="default",
                        projects=tuple(ProjectConfig(id=i, code=c, cost=1_000_000 + 10_000 * i)
                                       for i, c in enumerate(codes)))
    voters = pd.DataFrame({"age": rng.integers(15, 95, size=n),
                           "district": rng.choice(["Hyrylä", "Jokela", "Kellokoski", "Riihikallio"], size=n),
                           "voting_method": rng.choice(["internet", "paper"], size=n, p=[0.9, 0.1])})
    return spec, ballots, voters


def run_pb(out: Path) -> float:
    from pb.research.export_data import BudgetData, anonymise
    from pb.research.pabulib_export import write_pb
    from pb.research.table_export import write_tables

    spec, ballots, voters = synthetic(BALLOTS)
    outcome = {"projects": [{"code": p.code, "cost": p.cost, "support": 0, "status": "not-funded",
                             "reason": "-"} for p in spec.projects]}
    data = BudgetData(spec, outcome, {}, "synthetic", "Tuusula", "2027", "2027", "2027", "fi", ballots, voters)
    start = time.perf_counter()
    anon = anonymise(data, secret=b"benchmark-only-secret")
    with (out / "synthetic.pb").open("w", encoding="utf-8", newline="") as handle:
        write_pb(anon, handle)
    write_tables(anon, out, "synthetic", "csv")
    write_tables(anon, out, "synthetic", "parquet")
    return time.perf_counter() - start


def run_pandas(out: Path) -> float:
    _, ballots, voters = synthetic(BALLOTS)
    start = time.perf_counter()
    votes = pd.DataFrame({"voter_id": np.arange(1, BALLOTS + 1), "vote": [",".join(b) for b in ballots]})
    votes = pd.concat([votes, voters], axis=1)
    votes.to_csv(out / "votes.csv", sep=";", index=False)
    lengths = np.fromiter((len(b) for b in ballots), dtype=np.int64, count=len(ballots))
    long = pd.DataFrame({"voter_id": np.repeat(np.arange(1, BALLOTS + 1), lengths),
                         "project_id": pd.Categorical([c for b in ballots for c in b]), "points": 1})
    for column in voters.columns:
        long[column] = np.repeat(voters[column].to_numpy(), lengths)
    long.to_csv(out / "ballots.csv", index=False)
    long.to_parquet(out / "ballots.parquet", index=False)
    return time.perf_counter() - start


def child(part: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        seconds = (run_pb if part == "pb" else run_pandas)(Path(scratch))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    results = {}
    for part in ("pandas", "pb"):
        output = subprocess.run([sys.executable, __file__, part, str(BALLOTS)], capture_output=True, text=True,
                                check=True).stdout
        results[part] = json.loads(output.strip().splitlines()[-1])
        print(f"{part}: {results[part]['seconds']:.2f} s, peak {results[part]['peak_mb']:.0f} MB", flush=True)
    ratio = results["pandas"]["seconds"] / results["pb"]["seconds"]
    print(f"ballots={BALLOTS} pb_s={results['pb']['seconds']:.2f} pandas_s={results['pandas']['seconds']:.2f} "
          f"ratio_vs_pandas={ratio:.2f} peak_mb={results['pb']['peak_mb']:.0f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("pb", "pandas"):
        child(sys.argv[1])
    else:
        main()
