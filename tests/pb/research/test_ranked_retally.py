"""A ranked export says how ranks became points (VOTES ``points``, META ``max_points``), so pabutools (the test
extra) re-tallies it to pb's outcome from the file alone: no knowledge of pb's settings, no default to guess."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from pabutools import election as pbe
from pabutools import rules as pbr
from pabutools.election.pabulib import parse_pabulib_from_string

from pb.core.models import Role
from pb.research.export_data import BudgetData, anonymise
from pb.research.pabulib_export import write_pb
from pb.research.table_export import write_tables
from pb.results.counting import count, outcome_json
from pb.rounds.frozen_config import BudgetConfig, ProjectConfig
from tests.conftest import Tokens
from tests.pb.results.conftest import Closed, publish_all


def recorded_points(ballot: Any, project: Any) -> int:
    """The points the file says this ballot gave the project (0 if it does not rank it)."""
    points = dict(zip(ballot, (int(p) for p in ballot.meta["points"].split(",")), strict=True))
    return int(points.get(project, 0))


def retally(text: str) -> tuple[list[str], dict[str, int]]:
    """pabutools' greedy outcome on the file's recorded points (times cost, as greedy ranks by total points),
    and each project's total points; the file's own PROJECTS score must be that total."""
    instance, profile = parse_pabulib_from_string(text)
    assert instance.meta["vote_type"] == "ordinal" and instance.meta["rule"] == "greedy"

    class Recorded(pbe.PositionalSatisfaction):  # type: ignore[misc]
        def __init__(self, inst: Any, prof: Any, ballot: Any) -> None:
            super().__init__(inst, prof, ballot, lambda b, p: recorded_points(b, p) * p.cost, sum)

    outcome = pbr.greedy_utilitarian_welfare(instance, profile, sat_class=Recorded)
    support = {str(p.name): sum(recorded_points(b, p) for b in profile) for p in instance}
    for p in instance:
        assert int(instance.project_meta[p]["score"]) == support[str(p.name)]
    assert max(recorded_points(b, next(iter(b))) for b in profile) == int(instance.meta["max_points"])
    return sorted(str(p.name) for p in outcome), support


async def test_pabutools_retallies_the_exported_ranked_budget_to_the_published_outcome(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    await publish_all(client, closed)
    budget_id = closed.election.budgets["ranked"]
    response = await client.get(f"/budgets/{budget_id}/export?format=pb", headers=await tokens.headers(Role.RESEARCHER))
    assert response.status_code == 200, response.text
    selected, support = retally(response.text)
    published = (await client.get(f"/budgets/{budget_id}/results")).json()
    assert selected == sorted(published["selected"])
    assert support == {p["code"]: int(p["support"]) for p in published["projects"]}


def test_a_first_choice_worth_more_than_the_number_of_choices_is_recorded_and_retallied(tmp_path: Path) -> None:
    # 4 projects (A 1000, B 1200, C 600, D 2000 euros), 2500 euros, at most 3 choices but 5 points for a first
    # choice: B, third on six ballots, then beats A, first on three (18 points to 15; with 3 points, 6 to 9).
    costs = {"A": 100_000, "B": 120_000, "C": 60_000, "D": 200_000}
    spec = BudgetConfig(
        id=1, slug="ranked", amount=250_000, ballot_format="ranked", min_selections=1,
        max_selections=3, max_cost=None, max_points_per_project=None, max_total_points=None,
        rule="greedy", rule_params={"ordinal_points": 5}, tie_break="default",
        projects=tuple(ProjectConfig(id=i, code=c, cost=cost) for i, (c, cost) in enumerate(costs.items())),
    )
    ballots: list[Any] = [["A"]] * 3 + [["C", "D", "B"]] * 6
    outcome = outcome_json(count(spec, ballots, seed=1), spec)
    assert outcome["ties"] == [] and sorted(outcome["selected"]) == ["B", "C"]
    data = BudgetData(spec, outcome, {c: f"Hanke {c}" for c in costs}, "synthetic", "Tuusula", "2027",
                      "01.03.2027", "31.03.2027", "fi", ballots)
    out = io.StringIO(newline="")
    write_pb(anonymise(data, secret=b"test"), out)
    selected, support = retally(out.getvalue())
    assert selected == ["B", "C"]
    assert support == {p["code"]: int(p["support"]) for p in outcome["projects"]} == {"A": 15, "B": 18, "C": 30,
                                                                                       "D": 24}
    [path] = [p for p in write_tables(anonymise(data, secret=b"test"), tmp_path, "ranked", "csv")
              if p.stem.endswith("_ballots")]
    table = pd.read_csv(path)
    assert list(table.columns) == ["voter_id", "project_id", "rank", "points"]
    assert (table["points"] == 6 - table["rank"]).all()
    assert table.groupby("project_id")["points"].sum().to_dict() == support
