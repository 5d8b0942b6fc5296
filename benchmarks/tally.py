"""Benchmark: pb's tallying rules against pabutools on real Pabulib files and a synthetic 1M-voter profile.

Each measurement runs in its own subprocess so that peak memory (ru_maxrss) is its own. Both sides are timed the
same way: ``parse`` is reading the file and parsing it (pb's parser for pb, pabutools' for pabutools, each from
the file's path), ``rule`` the tallying rule alone, ``total`` both. Every ratio is the reference's time over
pb's (above 1: pb is faster). Run from the repository root: ``.venv/bin/python benchmarks/tally.py [--quick]``.
``--quick`` does not run pabutools where it is slowest (Łódź mes-add1, ~33 s); the table then shows the time
recorded in expected.jsonl (measured on another machine) for orientation, and the headline, which holds only
figures measured in this run, says ``nan`` for what was not measured. The last line is machine-readable:
``largest_mes_add1_s=... ratio_vs_pabutools=... parse_ratio_vs_pabutools=... rule_ratio_vs_pabutools=...
greedy_ms=... synthetic_1m_s=... peak_mb=...`` (the ratios on Łódź 2022 with mes-add1, pb's largest file).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PABULIB = ROOT.parent / "shared" / "pabulib"
LARGEST = "Poland_Lodz_2022.pb"
FILES = [
    LARGEST,
    "Poland_Wroclaw_2017.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Katowice_2023.pb",
    "US_Stanford_Dataset_PB_Rochester_NY_2019_vote_rankings.pb",
]
SLOW_REFERENCE = {(LARGEST, "mes-add1")}
NO_REFERENCE = {("Poland_Warszawa_2026.pb", "mes-add1"): "pabutools runs out of memory (expected.jsonl)"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(name: str, rule: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from ballots.pabulib import parse_pabulib
    from ballots.rules import tally

    start = time.perf_counter()
    instance, profile = parse_pabulib((PABULIB / name).read_text(encoding="utf-8"))
    parsed = time.perf_counter()
    if rule == "greedy":
        outcome = tally(instance, profile, rule="greedy", compat="pabutools")
    else:
        outcome = tally(instance, profile, rule="equal-shares", completion="add1", compat="pabutools")
    done = time.perf_counter()
    return {"seconds": done - start, "parse": parsed - start, "tally": done - parsed, "selected": len(outcome.selected)}


def _reference(name: str, rule: str) -> dict[str, Any]:
    from pabutools import election as pbe  # noqa: TID251 (benchmarks may run the reference)
    from pabutools import rules as pbr  # noqa: TID251

    start = time.perf_counter()
    instance, profile = pbe.parse_pabulib(str(PABULIB / name))
    parsed = time.perf_counter()
    sat: Any = pbe.Cost_Sat
    if isinstance(profile, pbe.AbstractCardinalProfile):
        sat = pbe.Additive_Cardinal_Sat
    elif isinstance(profile, pbe.AbstractOrdinalProfile):
        k = int(instance.meta.get("max_length") or max(len(b) for b in profile))

        class Positional(pbe.PositionalSatisfaction):  # type: ignore[misc]
            def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
                super().__init__(
                    inst, prof, ballot, lambda b, p: max(k - b.index(p), 0) if p in b else 0, sum
                )

        sat = Positional
    if rule == "greedy":
        outcome = pbr.greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    else:
        outcome = pbr.method_of_equal_shares(instance, profile, sat_class=sat, voter_budget_increment=1)
    done = time.perf_counter()
    return {"seconds": done - start, "parse": parsed - start, "tally": done - parsed, "selected": len(outcome)}


def _synthetic() -> dict[str, Any]:
    """1,000,000 voters approving a few of 200 projects (skewed popularity), tallied by equal shares."""
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from fractions import Fraction

    from ballots.instance import Instance, Project
    from ballots.profile import Ballot, Profile
    from ballots.rules import tally

    rng = np.random.default_rng(2024)
    projects, voters = 200, 1_000_000
    ids = [str(j) for j in range(1, projects + 1)]
    costs = rng.integers(20, 400, size=projects) * 1000
    popularity = 1 / np.arange(1, projects + 1) ** 0.8
    popularity /= popularity.sum()
    lengths = np.minimum(rng.poisson(3, size=voters) + 1, 15)
    picks = rng.choice(projects, size=int(lengths.sum()), p=popularity)
    ballots = []
    offset = 0
    for length in lengths.tolist():
        ballots.append(Ballot(tuple(ids[j] for j in set(picks[offset : offset + length].tolist()))))
        offset += length
    instance = Instance(
        Fraction(int(costs.sum()) // 4),
        tuple(Project(i, Fraction(int(c))) for i, c in zip(ids, costs, strict=True)),
    )
    profile = Profile("approval", tuple(ballots))
    del picks
    start = time.perf_counter()
    outcome = tally(instance, profile, rule="equal-shares")
    done = time.perf_counter()
    distinct = len({b.choices for b in ballots})
    return {
        "seconds": done - start,
        "parse": 0.0,
        "tally": done - start,
        "selected": len(outcome.selected),
        "distinct": distinct,
    }


def _child(kind: str, name: str, rule: str) -> None:
    result = _synthetic() if kind == "synthetic" else (_ours if kind == "ours" else _reference)(name, rule)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


def measure(kind: str, name: str = "", rule: str = "") -> dict[str, Any]:
    """One measurement in a fresh interpreter, so that its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, name, rule], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _recorded_time(name: str, rule: str) -> float | None:
    for line in (PABULIB / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["file"] == name and row["rule"] == rule and row["status"] == "ok":
            return float(row["rule_time_s"])
    return None


def _ratio(reference: float | None, ours: float) -> float:
    """The reference's time over pb's."""
    return reference / ours if reference is not None and ours > 0 else float("nan")


def _seconds(value: float | None, width: int) -> str:
    return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip pabutools' slowest runs")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print("times in seconds (parse = reading and parsing the file); ratios = pabutools' time / pb's")
    print(
        f"{'file':58} {'rule':9} {'pb parse':>8} {'pb rule':>8} {'pb total':>8} {'pb MB':>6}"
        f" {'ref parse':>9} {'ref rule':>8} {'ref total':>9} {'ref MB':>6} {'parse x':>7} {'rule x':>7} {'total x':>7}"
    )
    figures: dict[str, float] = {}
    for name in FILES:
        for rule in ("greedy", "mes-add1"):
            ours = measure("ours", name, rule)
            ref: dict[str, Any] | None = None
            note = NO_REFERENCE.get((name, rule), "")
            measured = False
            if not note and args.quick and (name, rule) in SLOW_REFERENCE:
                recorded = _recorded_time(name, rule)
                ref = {"seconds": None, "parse": None, "tally": recorded, "peak_mb": None}
                note = "(ref rule time recorded on another machine, expected.jsonl; not in the headline)"
            elif not note:
                ref = measure("pabutools", name, rule)
                measured = True
            ref = ref or {"seconds": None, "parse": None, "tally": None, "peak_mb": None}
            ratios = {part: _ratio(ref[part], ours[part]) if measured else float("nan")
                      for part in ("parse", "tally", "seconds")}
            ref_mb = f"{ref['peak_mb']:6.0f}" if ref["peak_mb"] is not None else f"{'-':>6}"
            print(
                f"{name:58} {rule:9} {ours['parse']:8.3f} {ours['tally']:8.3f} {ours['seconds']:8.3f}"
                f" {ours['peak_mb']:6.0f} {_seconds(ref['parse'], 9)} {_seconds(ref['tally'], 8)}"
                f" {_seconds(ref['seconds'], 9)} {ref_mb} {ratios['parse']:7.1f} {ratios['tally']:7.1f}"
                f" {ratios['seconds']:7.1f} {note}",
                flush=True,
            )
            if name == LARGEST and rule == "mes-add1":
                figures["largest_mes_add1_s"] = ours["seconds"]
                figures["ratio_vs_pabutools"] = ratios["seconds"]
                figures["parse_ratio_vs_pabutools"] = ratios["parse"]
                figures["rule_ratio_vs_pabutools"] = ratios["tally"]
            if name == LARGEST and rule == "greedy":
                figures["greedy_ms"] = ours["tally"] * 1000
    synthetic = measure("synthetic")
    print(
        f"synthetic 1,000,000 voters x 200 projects ({synthetic['distinct']:,} distinct ballots),"
        f" equal shares add1: {synthetic['seconds']:.2f} s,"
        f" peak {synthetic['peak_mb']:.0f} MB (profile included)"
    )
    print(
        f"largest_mes_add1_s={figures['largest_mes_add1_s']:.3f}"
        f" ratio_vs_pabutools={figures['ratio_vs_pabutools']:.1f}"
        f" parse_ratio_vs_pabutools={figures['parse_ratio_vs_pabutools']:.1f}"
        f" rule_ratio_vs_pabutools={figures['rule_ratio_vs_pabutools']:.1f}"
        f" greedy_ms={figures['greedy_ms']:.1f} synthetic_1m_s={synthetic['seconds']:.2f}"
        f" peak_mb={synthetic['peak_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
