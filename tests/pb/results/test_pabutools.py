"""Third parties re-tally with pabutools (1.2.3, the test extra) from the Pabulib export and get the published
outcome, for every ballot format of the test election; each export also passes the official checker.

How each format maps onto pabutools (docs/ballots.md "Support", /work/shared/pabulib/oracle.md):

- approval and knapsack: utility 1 per approval. Equal shares is ``method_of_equal_shares`` with cost
  satisfaction (``Cost_Sat``) and ``voter_budget_increment=1`` (pb's default completion, add1).
- cumulative: utility = the points given, pabutools' ``Additive_Cardinal_Sat``; greedy orders by points x cost.
- ranked (Pabulib ``ordinal``): pb gives a positional score, k points to the first choice, k - 1 to the second
  and so on, with k = META ``max_length`` (the budget's maximum number of choices). pabutools has no such
  measure built in (its ``Additive_Borda_Sat`` gives ``len(ballot) - position - 1``, which depends on each
  ballot's length and gives the last choice 0), so the same positional function is given to pabutools'
  ``PositionalSatisfaction``; greedy (``greedy_utilitarian_welfare``) uses it times the cost, as for approval.

What cannot be compared and why: pb (``compat="pb"``) never funds a project nobody supports, where pabutools'
completions would fund one with money left, and pb's default tie-break is equalshares.net's (cheaper, more
votes, then a seeded lot) where pabutools' is the smaller id. Those cases are outside this comparison: the
synthetic budgets below give every project support and distinct scores. In the test election every project
fits the budgets of ``kunta`` and ``ranked``, so their selection is trivially the same; per-project support
(points, positional scores) is compared as well, and the synthetic budgets make the selection itself decide.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, cast

import httpx
import pytest
from pabulib.checker import Checker  # type: ignore[import-untyped]
from pabutools import election as pbe
from pabutools import rules as pbr
from pabutools.election.pabulib import parse_pabulib_from_string

from pb.core.models import Role
from pb.research.export_data import BudgetData, anonymise
from pb.research.pabulib_export import write_pb
from pb.results.counting import count, outcome_json
from pb.rounds.frozen_config import BudgetConfig, ProjectConfig
from tests.conftest import Tokens
from tests.pb.results.conftest import Closed, publish_all


def positional(k: int, *, times_cost: bool) -> type[Any]:
    """pb's positional score (k for the first choice, then k - 1, ..., never below 0) as a pabutools measure."""

    def score(ballot: Any, project: Any) -> Any:
        if project not in ballot:
            return 0
        points = max(k - ballot.position(project), 0)
        return points * project.cost if times_cost else points

    class Positional(pbe.PositionalSatisfaction):  # type: ignore[misc]
        def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
            super().__init__(instance, profile, ballot, score, sum)

    return Positional


def points_times_cost(instance: Any, profile: Any, ballot: Any, project: Any, precomputed: dict[str, Any]) -> Any:
    return ballot[project] * project.cost if project in ballot else 0


class PointsTimesCost(pbe.AdditiveSatisfaction):  # type: ignore[misc]
    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        super().__init__(instance, profile, ballot, points_times_cost)


def satisfaction(vote_type: str, rule: str, k: int) -> type[Any]:
    """The pabutools satisfaction class equivalent to pb's support for this format and rule."""
    greedy = rule.startswith("greedy")
    if vote_type == "approval":
        return cast("type[Any]", pbe.Cost_Sat)
    if vote_type == "cumulative":
        return PointsTimesCost if greedy else cast("type[Any]", pbe.Additive_Cardinal_Sat)
    return positional(k, times_cost=greedy)


def reference(text: str) -> tuple[list[str], dict[str, Any]]:
    """pabutools' outcome for the export's recorded rule, and each project's support by pabutools' measure."""
    instance, profile = parse_pabulib_from_string(text)
    vote_type, rule = instance.meta["vote_type"], instance.meta["rule"]
    k = int(instance.meta.get("max_length") or max(len(b) for b in profile))
    sat = satisfaction(vote_type, rule, k)
    if rule.startswith("equalshares"):
        outcome = pbr.method_of_equal_shares(instance, profile, sat_class=sat,
                                             voter_budget_increment=1 if rule.endswith("add1") else None)
    else:
        assert rule == "greedy", rule
        outcome = pbr.greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    measures: dict[str, Callable[[Any, Any], Any]] = {
        "approval": lambda b, p: int(p in b), "cumulative": lambda b, p: b.get(p, 0),
        "ordinal": lambda b, p: max(k - b.position(p), 0) if p in b else 0,
    }
    measure = measures[vote_type]
    support = {str(p.name): sum(measure(b, p) * profile.multiplicity(b) for b in profile) for p in instance}
    return sorted(str(p.name) for p in outcome), support


def check(text: str, allowed: frozenset[str] = frozenset()) -> None:
    """The official checker finds no error in the file (but those ``allowed``, which describe the data)."""
    report = Checker().process_files([text])
    errors = {k: {kind: e for kind, e in v["results"]["errors"].items() if kind not in allowed}
              for k, v in report.items() if k not in ("metadata", "summary")}
    assert all(not e for e in errors.values()), errors


@pytest.mark.parametrize("slug", ["hyryla", "luonto-ja-liikunta", "kunta", "ranked"])
async def test_pabulib_export_passes_the_checker_and_pabutools_agrees(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens, slug: str
) -> None:
    await publish_all(client, closed)
    budget_id = closed.election.budgets[slug]
    response = await client.get(f"/budgets/{budget_id}/export?format=pb",
                                headers=await tokens.headers(Role.RESEARCHER))
    assert response.status_code == 200, response.text
    # The test election gives kunta and ranked 5,000 euros for 4,800 euros of projects; the checker calls a
    # budget that funds everything an error of the data. Everything else about those files must pass.
    check(response.text, frozenset({"all projects funded"}) if slug in ("kunta", "ranked") else frozenset())
    selected, support = reference(response.text)
    published = (await client.get(f"/budgets/{budget_id}/results")).json()
    assert selected == sorted(published["selected"])
    assert support == {p["code"]: int(p["support"]) for p in published["projects"]}


# Positional scores (k = 3): A 19, B 16, C 22, D 17; ballots of every length.
RANKED = [["D", "A", "C"]] * 5 + [["B", "C"]] * 4 + [["C"]] * 3 + [["A", "B", "D"]] * 2 + [["A"]] * 1
SYNTHETIC: dict[str, tuple[str, dict[str, Any], list[Any]]] = {
    # 4 projects (A 1000, B 1200, C 600, D 2000 euros), 2500 euros: the rule has to choose.
    "cumulative equal shares": ("equal-shares", {"ballot_format": "cumulative", "max_points_per_project": 5,
                                                 "max_total_points": 10},
                                [{"A": 5, "B": 5}] * 5 + [{"D": 5, "C": 2}] * 4 + [{"C": 4, "B": 3}] * 3
                                + [{"D": 3, "A": 1}] * 2),
    "cumulative greedy": ("greedy", {"ballot_format": "cumulative", "max_points_per_project": 5,
                                     "max_total_points": 10},
                          [{"A": 5, "B": 5}] * 5 + [{"D": 4, "C": 2}] * 4 + [{"C": 4, "B": 3}] * 3),
    "ranked greedy": ("greedy", {"ballot_format": "ranked", "max_selections": 3},
                      RANKED),
    "ranked equal shares": ("equal-shares", {"ballot_format": "ranked", "max_selections": 3},
                            RANKED),
}


@pytest.mark.parametrize("case", list(SYNTHETIC))
def test_pabutools_agrees_where_the_budget_forces_a_choice(case: str) -> None:
    rule, limits, ballots = SYNTHETIC[case]
    costs = {"A": 100_000, "B": 120_000, "C": 60_000, "D": 200_000}
    fields: dict[str, Any] = {
        "min_selections": 0, "max_selections": None, "max_cost": None, "max_points_per_project": None,
        "max_total_points": None, "rule_params": {}, "tie_break": "default", **limits,
    }
    spec = BudgetConfig(
        id=1, slug="synthetic", amount=250_000, rule=rule,
        projects=tuple(ProjectConfig(id=i, code=c, cost=cost) for i, (c, cost) in enumerate(costs.items())), **fields,
    )
    outcome = outcome_json(count(spec, ballots, seed=1), spec)
    assert outcome["ties"] == []  # a tie would be broken differently by pabutools (see the module docstring)
    titles = {c: f"Hanke {c}" for c in costs}
    data = BudgetData(spec, outcome, titles, "synthetic", "Tuusula", "2027", "01.03.2027", "31.03.2027", "fi", ballots)
    out = io.StringIO(newline="")
    write_pb(anonymise(data, secret=b"test"), out)
    check(out.getvalue())
    selected, support = reference(out.getvalue())
    assert 0 < len(outcome["selected"]) < len(costs)
    assert selected == sorted(outcome["selected"]), case
    assert support == {p["code"]: int(p["support"]) for p in outcome["projects"]}
