"""The round configuration that is frozen when voting opens, and its hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.models import BallotProject, Budget, BudgetRound, Network, Phase, RoundPhase

# Fields that decide who votes on what and how it is counted; changing any of them changes the hash.
BUDGET_FIELDS = (
    "id", "slug", "network_id", "amount", "ballot_format", "min_selections", "max_selections", "max_cost",
    "max_points_per_project", "max_total_points", "rule", "rule_params", "tie_break", "min_age", "area_restricted",
)


async def round_config(session: AsyncSession, budget_round: BudgetRound) -> dict[str, Any]:
    """Everything a ballot's validity and the tally depend on, as plain JSON data."""
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
    return {
        "round": {
            "id": budget_round.id,
            "municipality_id": budget_round.municipality_id,
            "slug": budget_round.slug,
            "min_age": budget_round.min_age,
            "residence_required": budget_round.residence_required,
            "allow_revoting": budget_round.allow_revoting,
            "voting_ends_at": voting.ends_at.isoformat() if voting else None,
        },
        "budgets": [
            {
                **{field: getattr(b, field) for field in BUDGET_FIELDS},
                "area": _area(networks[b.network_id]) if b.network_id is not None and b.area_restricted else None,
                "projects": [{"id": p.id, "code": p.code, "cost": p.cost} for p in projects if p.budget_id == b.id],
            }
            for b in budgets
        ],
    }


def _area(network: Network) -> dict[str, list[str]]:
    return {"postal_codes": sorted(network.postal_codes), "districts": sorted(network.districts)}


def config_hash(config: dict[str, Any]) -> str:
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
