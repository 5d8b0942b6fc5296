"""The configuration frozen when voting opened, as casts use it: read and checked against the round's hash.

An app keeps what it read in its :class:`pb.voting.cache.VotingCache`, keyed by (round id, config hash) and filled
only with a configuration that hashes to the frozen value, so whatever it holds is exactly what was frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlmodel.ext.asyncio.session import AsyncSession

from ballots.formats import BallotFormat as Format
from ballots.instance import Instance, Project
from pb.core.models import BallotFormat, BudgetRound
from pb.rounds.config import round_config
from pb.rounds.frozen_config import BudgetConfig, RoundConfig, config_hash
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


def compile_round(config: RoundConfig, frozen_hash: str) -> FrozenRound:
    """The casts' fast-path form of a frozen configuration (``frozen_hash`` is its hash)."""
    return FrozenRound(
        round_id=config.id,
        config_hash=frozen_hash,
        residence_required=config.residence_required,
        allow_revoting=config.allow_revoting,
        voting_ends_at=config.voting_ends_at,
        budgets={b.id: _budget(b, round_min_age=config.min_age) for b in config.budgets},
    )


def _budget(budget: BudgetConfig, *, round_min_age: int) -> FrozenBudget:
    kind = BallotFormat(budget.ballot_format)
    projects = tuple(Project(p.code, Fraction(p.cost)) for p in budget.projects)
    return FrozenBudget(
        id=budget.id,
        kind=kind,
        instance=Instance(Fraction(budget.amount), projects),
        format=ballot_format(kind, budget),
        min_age=round_min_age if budget.min_age is None else budget.min_age,
        postal_codes=frozenset(budget.area.postal_codes) if budget.area is not None else None,
    )


def ballot_format(kind: BallotFormat, budget: BudgetConfig) -> Format:
    """The ballots/ format of a budget's frozen limits."""
    low, high = budget.min_selections, budget.max_selections
    if kind is BallotFormat.CUMULATIVE:
        return Format(
            "cumulative",
            low,
            high,
            min_points=1,
            max_points=budget.max_points_per_project,
            max_sum_points=budget.max_total_points,
        )
    if kind is BallotFormat.RANKED:
        return Format("ordinal", low, high)
    cap = budget.max_cost if kind is BallotFormat.KNAPSACK else None
    return Format("approval", low, high, max_sum_cost=Fraction(cap) if cap is not None else None)
