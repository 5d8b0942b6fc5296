"""Benchmark: every project's how-close figures for Łódź 2022 under equal shares with add1.

The whole process is timed: parsing, the tally, and ``ballots.closeness.how_close`` for all 160 projects
(through ``ballots.rules.equal_shares_closeness.MesCounterfactual``). Beside it, in the same run, pabutools'
time for one plain run of the same rule (``method_of_equal_shares`` with cost satisfaction and
``voter_budget_increment=1``) as the reference. Run from the repository root:
``.venv/bin/python benchmarks/howclose.py [--figures cost|all] [--projects N] [--no-reference]``.
``--figures cost`` (the default) computes the cost figures (highest cost funded, room a funded project had);
``all`` adds the fewest extra supporters, which at this scale means a fresh add1 search per question and
takes far longer. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
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


def ours(figures: str, projects: int | None) -> tuple[int, float]:
    sys.path.insert(0, str(ROOT))
    from ballots.closeness import fewest_supporters, max_cost_funded, max_cost_not_funded, supporter_limit
    from ballots.pabulib import parse_pabulib
    from ballots.rules import tally
    from ballots.rules.equal_shares_closeness import MesCounterfactual

    start = time.perf_counter()
    instance, profile = parse_pabulib((PABULIB / FILE).read_text(encoding="utf-8"))
    selected = set(tally(instance, profile, rule="equal-shares", completion="add1").selected)
    check = MesCounterfactual(instance, profile, completion="add1")
    chosen = instance.projects[:projects] if projects else instance.projects
    for done, project in enumerate(chosen, start=1):
        began = time.perf_counter()
        if project.id in selected:
            figure = max_cost_funded(check, project.id, project.cost, instance.budget)
            extra = 0
        else:
            figure = max_cost_not_funded(check, project.id, project.cost)  # type: ignore[assignment]
            extra = None
            if figures == "all":
                limit = supporter_limit(profile)
                extra = fewest_supporters(check, project.id, project.cost, instance.budget, limit)
        print(
            f"{done}/{len(chosen)} {project.id} funded={project.id in selected} cost={project.cost}"
            f" max_cost={figure} extra_supporters={extra} ({time.perf_counter() - began:.1f} s)",
            file=sys.stderr, flush=True,
        )
    return len(chosen), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", choices=("cost", "all"), default="cost")
    parser.add_argument("--projects", type=int, help="Only the first N projects (for a quick look).")
    parser.add_argument("--no-reference", action="store_true", help="Skip pabutools' run (about a minute).")
    args = parser.parse_args()
    if not (PABULIB / FILE).is_file():
        sys.exit(f"{PABULIB / FILE} not found (the shared Pabulib sample next to the repository)")
    reference = float("nan") if args.no_reference else reference_seconds()
    count, seconds = ours(args.figures, args.projects)
    print(
        f"howclose_projects={count} howclose_s={seconds:.1f} pabutools_one_run_s={reference:.1f}"
        f" figures={args.figures}"
    )


if __name__ == "__main__":
    main()
