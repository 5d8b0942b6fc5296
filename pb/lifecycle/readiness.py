"""Whether a round is ready for voting to open, and every item that is still missing if it is not.

Read from the configuration that opening voting freezes (``pb.rounds.config``) and from the round's deliberation
rounds, so that ``GET /rounds/{id}/readiness``, the transition and the scheduler give one answer. Once voting
opens the ballots can no longer change, so what is checked here is what would otherwise leave residents with a
ballot they cannot fill in, or a round that cannot be tallied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal, ensure_manages_municipality
from pb.budgets.service import rule_refusal
from pb.core.errors import Conflict, Money
from pb.core.models import PHASES, BallotFormat, BudgetRound, Phase
from pb.i18n.lazy import LazyString, lazy_gettext
from pb.i18n.translator import Translator
from pb.proposals.stages import stages_of
from pb.rounds.config import round_config
from pb.rounds.frozen_config import BudgetConfig
from pb.rounds.service import get_round, windows_of

MESSAGES: dict[str, LazyString] = {
    "no_budgets": lazy_gettext("the round has no budget"),
    "rule_rejected": lazy_gettext(
        "budget %(budget)s cannot be tallied with its rule, parameters and tie-break: %(reason)s"
    ),
    "no_projects": lazy_gettext("budget %(budget)s has no projects on its ballot"),
    "too_few_projects": lazy_gettext(
        "budget %(budget)s asks every ballot to choose at least %(min_selections)s projects, but its ballot has "
        "only %(projects)s"
    ),
    "amount_below_cheapest": lazy_gettext(
        "budget %(budget)s has %(amount)s to spend, less than its cheapest project (%(cheapest)s): nothing can be "
        "funded"
    ),
    "cost_cap_below_cheapest": lazy_gettext(
        "budget %(budget)s lets a ballot approve projects worth %(max_cost)s, less than its cheapest project "
        "(%(cheapest)s)"
    ),
    "cost_cap_below_min_selections": lazy_gettext(
        "budget %(budget)s asks every ballot to choose at least %(min_selections)s projects, but the cheapest of "
        "them cost %(needed)s together, more than the %(max_cost)s a ballot may approve"
    ),
    "points_below_min_selections": lazy_gettext(
        "budget %(budget)s asks every ballot to give a point to at least %(min_selections)s projects, but a ballot "
        "has only %(max_total_points)s points to give"
    ),
    "deliberation_open": lazy_gettext(
        "deliberation round %(number)s has not been closed, so its proposals have not reached the ballots"
    ),
}
"""What each code means, as message ids with the item's values as placeholders."""

BLOCKING = frozenset({"no_budgets", "rule_rejected"})
"""Codes no acknowledgement overrides: a round without budgets has nothing to vote on, and a rule ballots/
refuses would fail the tally of a frozen budget that can no longer be fixed."""


@dataclass(frozen=True, slots=True)
class Missing:
    """One thing the round lacks before voting opens; ``key`` is how an official names it to override it."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)
    budget_id: int | None = None
    budget_slug: str | None = None
    deliberation_number: int | None = None

    @property
    def key(self) -> str:
        subject = self.budget_slug if self.budget_slug is not None else self.deliberation_number
        return self.code if subject is None else f"{self.code}:{subject}"

    @property
    def overridable(self) -> bool:
        return self.code not in BLOCKING

    def sentence(self, words: Translator) -> str:
        shown = {k: words.money(v.cents) if isinstance(v, Money) else v for k, v in self.values.items()}
        return MESSAGES[self.code].render(words, **shown)

    def public(self, words: Translator) -> dict[str, Any]:
        """The item as plain JSON data, with its sentence in ``words``' language (money as cents in the values)."""
        return {
            "key": self.key, "code": self.code, "overridable": self.overridable, "budget_id": self.budget_id,
            "budget_slug": self.budget_slug, "deliberation_number": self.deliberation_number,
            "detail": self.sentence(words),
            "values": {k: v.cents if isinstance(v, Money) else v for k, v in self.values.items()},
        }


class RoundNotReady(Conflict):
    """Voting cannot open: ``missing`` lists every item, and which of them an official has not acknowledged."""

    code = "round_not_ready"
    title = "The round is not ready for voting"

    def __init__(self, detail: str, *, items: Sequence[Missing], field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, field=field, **extra)
        self.items = tuple(items)

    def localized(self, words: Translator) -> dict[str, Any]:
        return {"missing": [item.public(words) for item in self.items]}


def not_ready(items: Sequence[Missing], *, acknowledged: Iterable[str]) -> RoundNotReady:
    """The refusal for ``items``; its detail says whether an acknowledgement could override them."""
    named = set(acknowledged)
    blocking = [item.key for item in items if not item.overridable]
    unnamed = [item.key for item in items if item.overridable and item.key not in named]
    if blocking:
        error = RoundNotReady(
            "voting cannot open until the round is ready: fix every item listed in missing (%(blocking)s cannot "
            "be overridden)",
            items=items, field="to", blocking=", ".join(blocking),
        )
    else:
        error = RoundNotReady(
            "voting cannot open until the round is ready: fix every item listed in missing, or name each one in "
            "acknowledge_not_ready to open voting anyway (not yet named: %(unacknowledged)s)",
            items=items, field="acknowledge_not_ready", unacknowledged=", ".join(unnamed),
        )
    return error


@dataclass(frozen=True, slots=True)
class Readiness:
    budget_round: BudgetRound
    missing: list[Missing]
    held_by_schedule_since: datetime | None


async def readiness(session: AsyncSession, *, round_id: int, actor: Principal, now: datetime) -> Readiness:
    """What the round lacks before voting opens, for its officials (nothing changes)."""
    budget_round = await get_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    missing = await missing_for_voting(session, budget_round)
    held = await voting_held_since(session, budget_round, now) if missing else None
    return Readiness(budget_round, missing, held)


async def missing_for_voting(session: AsyncSession, budget_round: BudgetRound) -> list[Missing]:
    """Every item the round still lacks before voting opens; empty when it is ready."""
    assert budget_round.id is not None
    config = await round_config(session, budget_round)
    stages = await stages_of(session, budget_round.id)
    return missing_items(config.budgets, open_deliberations=[s.number for s in stages if s.closed_at is None])


def missing_items(budgets: Sequence[BudgetConfig], *, open_deliberations: Sequence[int]) -> list[Missing]:
    """The missing items of a round configuration's budgets (as ``pb.rounds.config.round_config`` builds them)."""
    items = [] if budgets else [Missing("no_budgets")]
    for budget in budgets:
        items.extend(_budget_items(budget))
    items.extend(Missing("deliberation_open", {"number": n}, deliberation_number=n) for n in open_deliberations)
    return items


def _budget_items(budget: BudgetConfig) -> list[Missing]:
    budget_id, slug = budget.id, budget.slug

    def item(code: str, **values: Any) -> Missing:
        return Missing(code, {"budget": slug, **values}, budget_id=budget_id, budget_slug=slug)

    items: list[Missing] = []
    refusal = rule_refusal(rule=budget.rule, ballot_format=budget.ballot_format, tie_break=budget.tie_break,
                           params=dict(budget.rule_params))
    if refusal is not None:
        items.append(item("rule_rejected", field=refusal[0], reason=refusal[1]))
    costs = sorted(p.cost for p in budget.projects)
    if not costs:
        return [*items, item("no_projects")]
    least = budget.min_selections
    if least > len(costs):
        items.append(item("too_few_projects", min_selections=least, projects=len(costs)))
    if budget.amount < costs[0]:
        items.append(item("amount_below_cheapest", amount=Money(budget.amount), cheapest=Money(costs[0])))
    kind = BallotFormat(budget.ballot_format)
    cap = budget.max_cost
    if kind is BallotFormat.KNAPSACK and cap is not None:
        needed = sum(costs[:least])
        if cap < costs[0]:
            items.append(item("cost_cap_below_cheapest", max_cost=Money(cap), cheapest=Money(costs[0])))
        elif least <= len(costs) and needed > cap:
            items.append(item("cost_cap_below_min_selections", min_selections=least, needed=Money(needed),
                              max_cost=Money(cap)))
    total_points = budget.max_total_points
    if kind is BallotFormat.CUMULATIVE and total_points is not None and total_points < least:
        items.append(item("points_below_min_selections", min_selections=least, max_total_points=total_points))
    return items


async def voting_held_since(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> datetime | None:
    """When the voting window began, if it has and the round has not reached voting: the scheduler is waiting."""
    assert budget_round.id is not None
    if PHASES.index(Phase(budget_round.phase)) >= PHASES.index(Phase.VOTING):
        return None
    voting = [w for w in await windows_of(session, budget_round.id) if w.phase == Phase.VOTING.value]
    return voting[0].starts_at if voting and voting[0].starts_at <= now else None
