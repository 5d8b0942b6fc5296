"""Adding, changing and removing a round's budgets, until voting opens and freezes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ballots import rules
from ballots.tiebreak import UnknownTieBreak
from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.budgets.schemas import BudgetCreate, BudgetUpdate
from pb.core.errors import AlreadyExists, InvalidInput, NotFound, RoundFrozen
from pb.core.models import BallotFormat, BallotProject, Budget, BudgetRound, Network, NetworkKind
from pb.results.counting import VOTE_TYPES
from pb.rounds.service import lock_round


async def create_budget(
    session: AsyncSession, *, round_id: int, data: BudgetCreate, actor: Principal, now: datetime
) -> Budget:
    budget_round = await _editable_round(session, round_id, actor)
    name = data.name.as_dict() if data.name else None
    area_restricted = data.area_restricted
    if data.network_id is not None:
        network = await session.get(Network, data.network_id)
        if network is None or network.municipality_id != budget_round.municipality_id or network.archived_at:
            raise InvalidInput("the network is not an active network of this municipality", field="network_id")
        name = name or dict(network.name)
        # Only a regional network has an area to restrict voting to.
        area_restricted = area_restricted and network.kind == NetworkKind.REGIONAL.value
    else:
        area_restricted = False
    clash = await session.exec(select(Budget).where(Budget.round_id == round_id, Budget.slug == data.slug))
    if clash.first() is not None:
        raise AlreadyExists("budget %(slug)r exists in this round", field="slug", slug=data.slug)
    budget = Budget(
        round_id=round_id,
        network_id=data.network_id,
        slug=data.slug,
        name=name or {},
        amount=data.amount,
        ballot_format=data.ballot_format.value,
        min_selections=data.min_selections,
        max_selections=data.max_selections,
        max_cost=data.max_cost,
        max_points_per_project=data.max_points_per_project,
        max_total_points=data.max_total_points,
        rule=data.rule,
        rule_params=data.rule_params,
        tie_break=data.tie_break,
        min_age=data.min_age,
        area_restricted=area_restricted,
        created_at=now,
        updated_at=now,
    )
    check_budget(budget)
    session.add(budget)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action="budget.create", target=f"budget:{budget.id}", now=now,
        details={"round_id": round_id, "slug": data.slug, "amount": data.amount, "rule": data.rule},
    )
    return budget


async def update_budget(
    session: AsyncSession, *, budget_id: int, data: BudgetUpdate, actor: Principal, now: datetime
) -> Budget:
    budget = await get_budget(session, budget_id)
    await _editable_round(session, budget.round_id, actor)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if field == "name":
            budget.name = data.name.as_dict() if data.name else budget.name
        elif field == "ballot_format":
            budget.ballot_format = BallotFormat(value).value
        else:
            setattr(budget, field, value)
    check_budget(budget)
    budget.updated_at = now
    session.add(budget)
    await audit.record(
        session, actor=actor.actor, action="budget.update", target=f"budget:{budget_id}", now=now,
        details={"fields": sorted(changes)},
    )
    return budget


async def delete_budget(session: AsyncSession, *, budget_id: int, actor: Principal, now: datetime) -> None:
    budget = await get_budget(session, budget_id)
    await _editable_round(session, budget.round_id, actor)
    for project in (await session.exec(select(BallotProject).where(BallotProject.budget_id == budget_id))).all():
        await session.delete(project)
    await session.flush()
    await session.delete(budget)
    await audit.record(
        session, actor=actor.actor, action="budget.delete", target=f"budget:{budget_id}", now=now,
        details={"round_id": budget.round_id, "slug": budget.slug},
    )


async def _editable_round(session: AsyncSession, round_id: int, actor: Principal) -> BudgetRound:
    budget_round = await lock_round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if budget_round.frozen_at is not None:
        raise RoundFrozen("the round's budgets are frozen: voting has opened")
    return budget_round


def check_budget(budget: Budget) -> None:
    """Refuse limits that contradict each other or the ballot format."""
    ballot_format = BallotFormat(budget.ballot_format)
    if budget.max_selections is not None and budget.max_selections < budget.min_selections:
        raise InvalidInput("max_selections is below min_selections", field="max_selections",
                           fields=["max_selections", "min_selections"])
    if ballot_format is BallotFormat.CUMULATIVE:
        _require(budget, "max_points_per_project", "max_total_points")
    elif budget.max_points_per_project is not None or budget.max_total_points is not None:
        given = "max_total_points" if budget.max_total_points is not None else "max_points_per_project"
        raise InvalidInput("points limits apply only to cumulative ballots", field=given,
                           fields=[given, "ballot_format"])
    if ballot_format is not BallotFormat.KNAPSACK and budget.max_cost is not None:
        raise InvalidInput("a cost cap applies only to knapsack ballots", field="max_cost",
                           fields=["max_cost", "ballot_format"])
    if ballot_format is BallotFormat.KNAPSACK and budget.max_cost is None:
        budget.max_cost = budget.amount
    _check_rule_params(budget.rule_params)
    check_rule(budget)


def check_rule(budget: Budget) -> None:
    """Refuse a rule, parameters and tie-break that ballots/ would refuse to tally on this ballot format.

    The same check as the tally's own (``ballots.rules.check``), so that what is accepted now is countable
    when voting closes, when the configuration can no longer change.
    """
    refusal = rule_refusal(
        rule=budget.rule, ballot_format=budget.ballot_format, tie_break=budget.tie_break, params=budget.rule_params
    )
    if refusal is not None:
        field, message = refusal
        raise InvalidInput(message, field=field)


def rule_refusal(*, rule: str, ballot_format: str, tie_break: str, params: dict[str, Any]) -> tuple[str, str] | None:
    """(field at fault, ballots/'s English reason) when ballots/ would refuse to tally this budget, else None."""
    try:
        rules.check(rule, vote_type=VOTE_TYPES[ballot_format], tie_break=tie_break, params=params)
    except (rules.UnknownRule, rules.RuleNotApplicable) as exc:
        return "rule", str(exc)
    except UnknownTieBreak as exc:
        return "tie_break", str(exc)
    except rules.InvalidParameter as exc:
        return (f"rule_params.{exc.parameter}" if exc.parameter else "rule_params"), str(exc)
    return None


def _require(budget: Budget, *fields: str) -> None:
    for field in fields:
        if getattr(budget, field) is None:
            raise InvalidInput(
                "%(ballot_format)s ballots need %(field_value)s",
                field=field, fields=[field, "ballot_format"], ballot_format=budget.ballot_format, field_value=field,
            )


def _check_rule_params(params: dict[str, Any]) -> None:
    for key, value in params.items():
        if not isinstance(value, str | int | float | bool) or (isinstance(value, float) and value != value):
            raise InvalidInput("rule parameter %(key)r must be a plain number, string or boolean",
                               field=f"rule_params.{key}", key=key)


async def list_budgets(session: AsyncSession, *, round_id: int) -> Sequence[Budget]:
    query = select(Budget).where(Budget.round_id == round_id).order_by(col(Budget.id))
    return (await session.exec(query)).all()


async def get_budget(session: AsyncSession, budget_id: int) -> Budget:
    budget = await session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    return budget
