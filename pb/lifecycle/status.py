"""What a round's answer says of where it is stuck: held outside voting by the schedule, or a failed tally."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.models import BudgetRound, Phase
from pb.i18n.translator import Translator
from pb.lifecycle.readiness import missing_for_voting, voting_held_since
from pb.results.tally import TALLIED_PHASES, latest_tally_failure
from pb.rounds import service
from pb.rounds.schemas import MissingPublic, RoundHeld, RoundPublic, TallyFailurePublic


async def round_public(
    session: AsyncSession, budget_round: BudgetRound, *, now: datetime, words: Translator
) -> RoundPublic:
    """The round as the API shows it, with ``held`` and ``tally_failure`` when either applies (``words``: the
    language of what is missing)."""
    public = await service.round_public(session, budget_round)
    held: RoundHeld | None = None
    # Only a round whose voting window has begun outside voting can be held: others are not read further.
    if (since := await voting_held_since(session, budget_round, now)) is not None and (
        missing := await missing_for_voting(session, budget_round)
    ):
        held = RoundHeld(since=since, to=Phase.VOTING,
                         missing=[MissingPublic.model_validate(item.public(words)) for item in missing])
    failure: TallyFailurePublic | None = None
    if Phase(budget_round.phase) in TALLIED_PHASES and (
        failed := await latest_tally_failure(session, budget_round.id or 0)
    ) is not None:
        failure = TallyFailurePublic(at=failed.at, error=failed.error, reason=failed.reason)
    return public.model_copy(update={"held": held, "tally_failure": failure})
