"""The configuration frozen when voting opened, as casts use it: read and checked against the round's hash.

An app keeps what it read in its :class:`pb.voting.cache.VotingCache`, keyed by (round id, config hash) and filled
only with a configuration that hashes to the frozen value, so whatever it holds is exactly what was frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from ballots.formats import BallotFormat as Format
from ballots.instance import Instance, Project
from pb.core.models import BallotFormat, BudgetRound
from pb.rounds.config import config_hash, round_config
from pb.voting.errors import ConfigDrift


@dataclass(frozen=True, slots=True)
class FrozenBudget:
    id: int
    kind: BallotFormat
    instance: Instance
    format: Format
    min_age: int
    postal_codes: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class FrozenRound:
    round_id: int
    config_hash: str
    residence_required: bool
    allow_revoting: bool
    voting_ends_at: datetime | None
    budgets: dict[int, FrozenBudget]


async def load_frozen_round(session: AsyncSession, round_id: int, frozen_hash: str) -> FrozenRound:
    """The round's frozen configuration, read from the database; ConfigDrift unless it hashes to ``frozen_hash``.

    Nothing that feeds the hash can change while the round is frozen (rounds, budgets, projects and the
    networks' areas refuse it with 409 ``round_frozen``), so what this returns stays exact while it is frozen.
    """
    budget_round = await session.get(BudgetRound, round_id)
    assert budget_round is not None
    config = await round_config(session, budget_round)
    if config_hash(config) != frozen_hash:
        raise ConfigDrift("the round's rules have changed since voting opened; casting is suspended")
    return compile_round(config, frozen_hash)


def compile_round(config: dict[str, Any], frozen_hash: str) -> FrozenRound:
    spec = config["round"]
    ends_at = spec["voting_ends_at"]
    return FrozenRound(
        round_id=int(spec["id"]),
        config_hash=frozen_hash,
        residence_required=bool(spec["residence_required"]),
        allow_revoting=bool(spec["allow_revoting"]),
        voting_ends_at=datetime.fromisoformat(ends_at) if ends_at else None,
        budgets={int(b["id"]): _budget(b, round_min_age=int(spec["min_age"])) for b in config["budgets"]},
    )


def _budget(spec: dict[str, Any], *, round_min_age: int) -> FrozenBudget:
    kind = BallotFormat(spec["ballot_format"])
    projects = tuple(Project(str(p["code"]), Fraction(int(p["cost"]))) for p in spec["projects"])
    area = spec["area"]
    return FrozenBudget(
        id=int(spec["id"]),
        kind=kind,
        instance=Instance(Fraction(int(spec["amount"])), projects),
        format=ballot_format(kind, spec),
        min_age=round_min_age if spec["min_age"] is None else int(spec["min_age"]),
        postal_codes=frozenset(area["postal_codes"]) if area is not None else None,
    )


def ballot_format(kind: BallotFormat, spec: dict[str, Any]) -> Format:
    """The ballots/ format of a budget's frozen limits."""
    low, high = int(spec["min_selections"]), spec["max_selections"]
    if kind is BallotFormat.CUMULATIVE:
        return Format(
            "cumulative",
            low,
            high,
            min_points=1,
            max_points=spec["max_points_per_project"],
            max_sum_points=spec["max_total_points"],
        )
    if kind is BallotFormat.RANKED:
        return Format("ordinal", low, high)
    cap = spec["max_cost"] if kind is BallotFormat.KNAPSACK else None
    return Format("approval", low, high, max_sum_cost=Fraction(int(cap)) if cap is not None else None)
