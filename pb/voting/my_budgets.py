"""A round's budgets as one resident sees them: where they may vote, why not elsewhere, where they did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import list_budgets
from pb.core.models import Budget, BudgetRound, Municipality, Network, Phase
from pb.rounds.service import get_round, windows_of
from pb.voting.eligibility import Rules, Verdict, VoterClaims, judge, rules_for
from pb.voting.keys import VotingKeys
from pb.voting.models import Participation


def budget_rules(
    budget_round: BudgetRound, budget: Budget, *, network: Network | None, municipality_code: str,
    voting_ends_at: datetime | None, now: datetime,
) -> Rules:
    """Who may take part in a budget, before voting freezes it (the cast reads the frozen copy)."""
    area = network.postal_codes if budget.area_restricted and network is not None else None
    return rules_for(
        min_age=budget_round.min_age if budget.min_age is None else budget.min_age,
        voting_ends_at=voting_ends_at,
        now=now,
        municipality_code=municipality_code if budget_round.residence_required else None,
        postal_codes=area,
    )


@dataclass(frozen=True, slots=True)
class BudgetForVoter:
    budget: Budget
    verdict: Verdict
    voted: bool


async def my_budgets(
    session: AsyncSession, *, round_id: int, voter: VoterClaims, keys: VotingKeys, now: datetime
) -> list[BudgetForVoter]:
    budget_round = await get_round(session, round_id)
    municipality = await session.get(Municipality, budget_round.municipality_id)
    assert municipality is not None
    voting = [w for w in await windows_of(session, round_id) if w.phase == Phase.VOTING.value]
    budgets = await list_budgets(session, round_id=round_id)
    network_ids = [b.network_id for b in budgets if b.network_id is not None]
    networks = {
        n.id: n for n in (await session.exec(select(Network).where(col(Network.id).in_(network_ids)))).all()
    }
    voter_key = keys.voter_key(round_id, voter.person_key)
    voted = set(
        (
            await session.exec(
                select(Participation.budget_id).where(
                    Participation.voter_key == voter_key,
                    col(Participation.budget_id).in_([b.id for b in budgets]),
                )
            )
        ).all()
    )
    result = []
    for budget in budgets:
        rules = budget_rules(
            budget_round, budget, network=networks.get(budget.network_id or 0), municipality_code=municipality.code,
            voting_ends_at=voting[0].ends_at if voting else None, now=now,
        )
        result.append(BudgetForVoter(budget, judge(voter, rules), budget.id in voted))
    return result
