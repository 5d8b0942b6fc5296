"""One budget's results, everything a results page needs, from one call: ``budget_results``.

``BudgetResults`` holds the selection, costs, votes, the money left, every project's reason code with its
figures, its how-close figures (``ballots.closeness``) and, under equal shares, its analytics
(``ballots.rules.equal_shares_analytics``). ``to_json()`` gives it as plain JSON with nothing lost (money
and support as integers or ``"p/q"`` strings), and ``from_json`` reads it back, so a stored result can be
shown again, in any language, without tallying anew.

This is a stable interface (the residents' results pages and the JSON API read it); see docs/ballots.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ballots.closeness import Counterfactual, HowClose, how_close
from ballots.instance import Instance, Money
from ballots.outcome import Outcome, Tie
from ballots.profile import Profile
from ballots.reasons import Reason, figure_to_json, reason_from_json, reason_to_json
from ballots.rules import tally
from ballots.rules.equal_shares_analytics import ProjectAnalytics, mes_analytics
from ballots.tiebreak import make_tie_break

SCHEMA = 1
"""The version of ``to_json``'s layout; bumped on any incompatible change."""


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """One project on a results page."""

    id: str
    name: str
    cost: Money
    support: Fraction
    """Approvals, points or positional score, as the rule counted them."""
    votes: int
    """Ballots that chose it at all."""
    funded: bool
    reason: Reason
    how_close: HowClose | None
    equal_shares: ProjectAnalytics | None


@dataclass(frozen=True, slots=True)
class BudgetResults:
    """A budget's outcome with its explanations; projects in the rule's order (funded first)."""

    rule: str
    parameters: Mapping[str, Any]
    tie_break: str
    seed: int | None
    budget: Money
    total_cost: Money
    voters: int
    selected: tuple[str, ...]
    projects: tuple[ProjectSummary, ...]
    ties: tuple[Tie, ...]
    endowment: Money | None
    """Equal shares: each voter's share of the budget in the run that decided."""

    @property
    def leftover(self) -> Money:
        return self.budget - self.total_cost

    def project(self, project_id: str) -> ProjectSummary:
        for summary in self.projects:
            if summary.id == project_id:
                return summary
        raise KeyError(project_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "rule": self.rule,
            "parameters": _plain(self.parameters),
            "tie_break": self.tie_break,
            "seed": self.seed,
            "budget": figure_to_json(self.budget),
            "total_cost": figure_to_json(self.total_cost),
            "leftover": figure_to_json(self.leftover),
            "voters": self.voters,
            "endowment": figure_to_json(self.endowment),
            "selected": list(self.selected),
            "ties": [
                {"step": t.step, "candidates": list(t.candidates), "chosen": t.chosen, "by": t.by}
                for t in self.ties
            ],
            "projects": [_project_json(p) for p in self.projects],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return figure_to_json(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def how_close_to_json(close: HowClose) -> dict[str, Any]:
    return {
        "max_cost": figure_to_json(close.max_cost),
        "extra_cost": figure_to_json(close.extra_cost),
        "cost_cut": figure_to_json(close.cost_cut),
        "extra_supporters": close.extra_supporters,
        "monotone": close.monotone,
    }


def how_close_from_json(project_id: str, funded: bool, cost: Money, data: Mapping[str, Any]) -> HowClose:
    top = data.get("max_cost")
    return HowClose(
        project_id, funded, cost, None if top is None else Fraction(str(top)), data.get("extra_supporters"),
        bool(data.get("monotone")),
    )


def _analytics_json(figures: ProjectAnalytics) -> dict[str, Any]:
    return {
        "effective_support": figure_to_json(figures.effective_support),
        "pabutools_effective_support": figure_to_json(figures.pabutools_effective_support),
        "supporters_money": figure_to_json(figures.supporters_money),
        "spent_elsewhere": {k: figure_to_json(v) for k, v in figures.spent_elsewhere.items()},
        "paid": figure_to_json(figures.paid),
    }


def _project_json(p: ProjectSummary) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "cost": figure_to_json(p.cost),
        "support": figure_to_json(p.support),
        "votes": p.votes,
        "funded": p.funded,
        "reason": reason_to_json(p.reason),
        "how_close": None if p.how_close is None else how_close_to_json(p.how_close),
        "equal_shares": None if p.equal_shares is None else _analytics_json(p.equal_shares),
    }


def from_json(data: Mapping[str, Any]) -> BudgetResults:
    """A stored ``to_json()`` read back exactly (equal-shares analytics included)."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"results schema {data.get('schema')!r} is not {SCHEMA}")
    projects = []
    for p in data["projects"]:
        cost = Fraction(str(p["cost"]))
        close = p.get("how_close")
        shares = p.get("equal_shares")
        projects.append(ProjectSummary(
            p["id"], p["name"], cost, Fraction(str(p["support"])), int(p["votes"]), bool(p["funded"]),
            reason_from_json(p["reason"]),
            None if close is None else how_close_from_json(p["id"], bool(p["funded"]), cost, close),
            None if shares is None else ProjectAnalytics(
                Fraction(str(shares["effective_support"])), Fraction(str(shares["pabutools_effective_support"])),
                Fraction(str(shares["supporters_money"])),
                {k: Fraction(str(v)) for k, v in shares["spent_elsewhere"].items()}, Fraction(str(shares["paid"])),
            ),
        ))
    endowment = data.get("endowment")
    return BudgetResults(
        data["rule"], data["parameters"], data["tie_break"], data["seed"], Fraction(str(data["budget"])),
        Fraction(str(data["total_cost"])), int(data["voters"]), tuple(data["selected"]), tuple(projects),
        tuple(Tie(t["step"], tuple(t["candidates"]), t["chosen"], t["by"]) for t in data["ties"]),
        None if endowment is None else Fraction(str(endowment)),
    )


def _votes(instance: Instance, profile: Profile) -> dict[str, int]:
    votes = dict.fromkeys(instance.project_ids, 0)
    for ballot in profile.ballots:
        for pid in set(ballot.choices):
            votes[pid] += 1
    return votes


def budget_results(
    instance: Instance,
    profile: Profile,
    *,
    rule: str,
    tie_break: str = "default",
    seed: int | None = None,
    compat: str = "pb",
    closeness: bool = True,
    check: Counterfactual | None = None,
    **params: Any,
) -> BudgetResults:
    """Tally the budget and explain it: reasons, how close each project came, equal-shares analytics."""
    options: dict[str, Any] = {"tie_break": tie_break, "seed": seed, "compat": compat, **params}
    outcome: Outcome = tally(instance, profile, rule=rule, **options)
    close = (
        how_close(instance, profile, rule=rule, selected=outcome.selected, check=check, **options)
        if closeness else {}
    )
    endowment: Money | None = None
    analytics: Mapping[str, ProjectAnalytics] = {}
    if rule == "equal-shares":
        endowment = outcome.parameters["endowment"]
        breaker = make_tie_break("lexico" if compat == "pabutools" else tie_break, seed)
        figures = mes_analytics(
            instance, profile, endowment=endowment, tie_break=breaker,
            ordinal_points=params.get("ordinal_points"),
        )
        analytics = figures.projects
    votes = _votes(instance, profile)
    projects = tuple(
        ProjectSummary(
            r.project_id, instance.project(r.project_id).name, instance.project(r.project_id).cost, r.support,
            votes[r.project_id], r.status == "funded", r.reason, close.get(r.project_id),
            analytics.get(r.project_id),
        )
        for r in _funded_first(outcome)
    )
    return BudgetResults(
        outcome.rule, outcome.parameters, outcome.tie_break, outcome.seed, outcome.budget, outcome.total_cost,
        len(profile), outcome.selected, projects, outcome.ties, endowment,
    )


def _funded_first(outcome: Outcome) -> list[Any]:
    """Funded projects in the order bought, then the others in the rule's order."""
    by_id = {r.project_id: r for r in outcome.projects}
    rest = [r for r in outcome.projects if r.project_id not in set(outcome.selected)]
    return [by_id[p] for p in outcome.selected] + rest
