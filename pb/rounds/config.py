"""The round configuration that is frozen when voting opens, read from the database in its typed form."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.models import BallotProject, Budget, BudgetRound, Network, Phase, RoundPhase
from pb.rounds.frozen_config import AreaConfig, BudgetConfig, ProjectConfig, RoundConfig


async def round_config(session: AsyncSession, budget_round: BudgetRound) -> RoundConfig:
    """Everything a ballot's validity and the tally depend on; its hash is pb.rounds.frozen_config.config_hash."""
    assert budget_round.id is not None
    budgets = (
        await session.exec(select(Budget).where(Budget.round_id == budget_round.id).order_by(col(Budget.id)))
    ).all()
    network_ids = {b.network_id for b in budgets if b.network_id is not None}
    networks = {
        n.id: n for n in (await session.exec(select(Network).where(col(Network.id).in_(network_ids)))).all()
    }
    projects = (
        await session.exec(
            select(BallotProject)
            .where(col(BallotProject.budget_id).in_([b.id for b in budgets]))
            .order_by(col(BallotProject.budget_id), col(BallotProject.code))
        )
    ).all()
    voting = (
        await session.exec(
            select(RoundPhase).where(RoundPhase.round_id == budget_round.id, RoundPhase.phase == Phase.VOTING.value)
        )
    ).first()
    return RoundConfig(
        id=budget_round.id,
        municipality_id=budget_round.municipality_id,
        slug=budget_round.slug,
        min_age=budget_round.min_age,
        residence_required=budget_round.residence_required,
        allow_revoting=budget_round.allow_revoting,
        voting_ends_at=voting.ends_at if voting else None,
        budgets=tuple(
            _budget(
                b,
                networks[b.network_id] if b.network_id is not None and b.area_restricted else None,
                tuple(_project(p) for p in projects if p.budget_id == b.id),
            )
            for b in budgets
        ),
    )


def _budget(budget: Budget, network: Network | None, projects: tuple[ProjectConfig, ...]) -> BudgetConfig:
    assert budget.id is not None
    return BudgetConfig(
        id=budget.id,
        slug=budget.slug,
        network_id=budget.network_id,
        amount=budget.amount,
        ballot_format=budget.ballot_format,
        min_selections=budget.min_selections,
        max_selections=budget.max_selections,
        max_cost=budget.max_cost,
        max_points_per_project=budget.max_points_per_project,
        max_total_points=budget.max_total_points,
        rule=budget.rule,
        rule_params=budget.rule_params,
        tie_break=budget.tie_break,
        min_age=budget.min_age,
        area_restricted=budget.area_restricted,
        area=_area(network) if network is not None else None,
        projects=projects,
    )


def _project(project: BallotProject) -> ProjectConfig:
    assert project.id is not None
    return ProjectConfig(id=project.id, code=project.code, cost=project.cost)


def _area(network: Network) -> AreaConfig:
    return AreaConfig(postal_codes=tuple(sorted(network.postal_codes)), districts=tuple(sorted(network.districts)))
