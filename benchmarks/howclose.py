"""Benchmark: every project's how-close figures for Łódź 2022 under equal shares with add1.

The whole process is timed: parsing, the tally, and ``ballots.closeness.how_close`` for all 160 projects
(through ``ballots.rules.equal_shares_closeness.MesCounterfactual``). Beside it, in the same run, pabutools'
time for one plain run of the same rule (``method_of_equal_shares`` with cost satisfaction and
``voter_budget_increment=1``) as the reference. Run from the repository root:
``.venv/bin/python benchmarks/howclose.py [--figures cost|all] [--projects N] [--workers N] [--no-reference]``.
``--figures cost`` (the default) computes the cost figures (highest cost funded, room a funded project had);
``all`` adds the fewest extra supporters, which at this scale means a fresh add1 search per question and
takes far longer. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PABULIB = ROOT.parent / "shared" / "pabulib"
FILE = "Poland_Lodz_2022.pb"


def reference_seconds() -> float:
    from pabutools import election as pbe  # noqa: TID251 (benchmarks may run the reference)
    from pabutools import rules as pbr  # noqa: TID251

    start = time.perf_counter()
    instance, profile = pbe.parse_pabulib(str(PABULIB / FILE))
    pbr.method_of_equal_shares(instance, profile, sat_class=pbe.Cost_Sat, voter_budget_increment=1)
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children: the work done, whatever else the machine runs."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ours(figures: str, projects: int | None, workers: int) -> tuple[int, float, float]:
    sys.path.insert(0, str(ROOT))
    from ballots.closeness import how_close
    from ballots.pabulib import parse_pabulib
    from ballots.rules import tally

    start, cpu = time.perf_counter(), cpu_seconds()
    instance, profile = parse_pabulib((PABULIB / FILE).read_text(encoding="utf-8"))
    selected = tally(instance, profile, rule="equal-shares", completion="add1").selected
    close = how_close(
        instance,
        profile,
        rule="equal-shares",
        completion="add1",
        selected=selected,
        only=instance.project_ids[:projects] if projects else None,
        supporters=figures == "all",
        workers=workers,
    )
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    for done, figure in enumerate(close.values(), start=1):
        print(
            f"{done}/{len(close)} {figure.project_id} funded={figure.funded} cost={figure.cost}"
            f" max_cost={figure.max_cost} extra_supporters={figure.extra_supporters}",
            file=sys.stderr,
        )
    return len(close), seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", choices=("cost", "all"), default="cost")
    parser.add_argument("--projects", type=int, help="Only the first N projects (for a quick look).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Processes (default: all cores).")
    parser.add_argument("--no-reference", action="store_true", help="Skip pabutools' run (about a minute).")
    args = parser.parse_args()
    if not (PABULIB / FILE).is_file():
        sys.exit(f"{PABULIB / FILE} not found (the shared Pabulib sample next to the repository)")
    reference = float("nan") if args.no_reference else reference_seconds()
    count, seconds, cpu = ours(args.figures, args.projects, args.workers)
    print(
        f"howclose_projects={count} howclose_s={seconds:.1f} pabutools_one_run_s={reference:.1f}"
        f" figures={args.figures} workers={args.workers} howclose_cpu_s={cpu:.1f}"
    )


if __name__ == "__main__":
    main()
