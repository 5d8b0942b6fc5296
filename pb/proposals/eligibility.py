"""Who may propose, support and volunteer: the round's participation rules, the same as for voting.

A resident takes part in a budget's deliberation exactly when they could vote in it (docs/participation.md):
home municipality when the round requires residence, the minimum age on the last voting day, and the
network's area for an area-restricted budget. Officials and coordinators act by their role, not as residents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import Forbidden
from pb.core.models import Budget, BudgetRound, Municipality, Network, Phase
from pb.i18n.lazy import LazyString
from pb.i18n.translator import Translator
from pb.proposals.participants import Participant
from pb.rounds.service import windows_of
from pb.voting.eligibility import Verdict, judge
from pb.voting.my_budgets import budget_rules


class NotEligibleToTakePart(Forbidden):
    """``action`` (what the resident tried) and the verdict's sentence are told in the caller's language."""

    code = "not_eligible"
    title = "Not eligible to take part in this budget"

    def __init__(self, detail: str, *, action: LazyString, verdict: Verdict | None = None, field: str | None = None,
                 **extra: Any) -> None:
        told = {"message": verdict.message} if verdict is not None else {}
        super().__init__(detail, field=field, action=action.message, **told, **extra)
        self.action, self.verdict = action, verdict

    def localized(self, words: Translator) -> dict[str, Any]:
        told = {"action": self.action.render(words)}
        if self.verdict is not None:
            told["message"] = self.verdict.sentence(words) or ""
        return told


async def ensure_may_take_part(
    session: AsyncSession, who: Participant, *, budget: Budget, budget_round: BudgetRound, now: datetime,
    action: LazyString,
) -> None:
    """Refuse a resident whom the budget's participation rules exclude; ``action`` says what they tried."""
    if not who.is_resident:
        return
    municipality = await session.get(Municipality, budget_round.municipality_id)
    assert municipality is not None
    assert budget_round.id is not None
    voting = [w for w in await windows_of(session, budget_round.id) if w.phase == Phase.VOTING.value]
    network = await session.get(Network, budget.network_id) if budget.network_id is not None else None
    rules = budget_rules(
        budget_round, budget, network=network, municipality_code=municipality.code,
        voting_ends_at=voting[0].ends_at if voting else None, now=now,
    )
    if who.claims is None:
        raise NotEligibleToTakePart(
            "%(action)s needs a resident's e-identification",
            reason="claims-unknown", action=action,
        )
    verdict = judge(who.claims, rules)
    if not verdict.eligible:
        raise NotEligibleToTakePart(
            "%(action)s follows the rules of voting in it: %(message)s",
            reason=verdict.reason, action=action, verdict=verdict,
        )
