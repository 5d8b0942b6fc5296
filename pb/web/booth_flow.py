"""The booth's steps as pages take them: open a budget's booth, cast from the confirmation form, each ending in
the voting service's result or a refusal that a page explains in plain language (never a problem document).

The cast is :func:`pb.voting.service.cast_ballot`, the API's own, with the frozen configuration hash the form carries,
the resident's session, and an idempotency key made when the review page was shown (a second click on "Send my
vote", or a reload of the form, repeats the same request instead of casting again).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import Resident
from pb.core.errors import PbError
from pb.core.models import PHASES, Phase
from pb.i18n import Translator
from pb.voting import service
from pb.voting.booth import Booth, open_booth
from pb.voting.cache import VotingCache
from pb.voting.errors import AlreadyVoted, ConfigDrift, InvalidBallot, NotEligible, StaleConfig, VotingClosed
from pb.voting.keys import VotingKeys
from pb.voting.prepared import CastRequest, CastResult
from pb.voting.schemas import BallotCast
from pb.web.context import PageContext


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the booth cannot go on, as the page says it; ``status`` is the page's HTTP status."""

    title: str
    sentences: list[str]
    status: int
    retry: bool = False
    """Whether going back to the ballot helps (a changed configuration, a refused choice)."""


def keys_of(page: PageContext) -> VotingKeys:
    return VotingKeys(page.settings.voter_key_master)


def cache_of(page: PageContext) -> VotingCache:
    """The app's voting cache, which the API's casts share."""
    cache: VotingCache = page.request.app.state.voting_cache
    return cache


async def open_for(
    page: PageContext, session: AsyncSession, resident: Resident, *, municipality: str, round_slug: str,
    budget: str,
) -> Booth | Refusal:
    try:
        return await open_booth(
            session, municipality_slug=municipality, round_slug=round_slug, budget_slug=budget, voter=resident,
            keys=keys_of(page), cache=cache_of(page), now=page.now,
        )
    except (VotingClosed, ConfigDrift) as refused:
        return refusal(refused, page.t)


async def cast(page: PageContext, session: AsyncSession, resident: Resident, booth: Booth, data: BallotCast,
               idempotency_key: str | None) -> CastResult | Refusal:
    """The API's full cast transaction, run as the page request's own transaction (on SQLite a second one would
    wait for this one's write lock); the first-cast shortcut of the JSON API is a speed-up, not another rule."""
    request = CastRequest(booth.budget.id or 0, resident.session_id, data, idempotency_key, page.now)
    try:
        return await service.cast_ballot(session, request, keys=keys_of(page), cache=cache_of(page))
    except (VotingClosed, ConfigDrift, StaleConfig, NotEligible, AlreadyVoted, InvalidBallot) as refused:
        return refusal(refused, page.t)


def refusal(error: PbError, t: Translator) -> Refusal:
    """The sentence for each way the voting service refuses."""
    if isinstance(error, VotingClosed):
        phase = error.extra.get("phase")
        if phase is not None and PHASES.index(Phase(phase)) < PHASES.index(Phase.VOTING):
            return Refusal(t.gettext("Voting has not started yet"), [
                t.gettext("You can vote when the voting period starts. The front page shows the timetable.")], 409)
        return Refusal(t.gettext("Voting has closed"), [
            t.gettext("Voting in this round has ended, so you can no longer vote or change your vote."),
            t.gettext("The results will be published when the votes have been counted."),
        ], 409)
    if isinstance(error, StaleConfig):
        return Refusal(t.gettext("The ballot has changed"), [
            t.gettext("This ballot changed after you opened it, so your vote was not sent."),
            t.gettext("Check your choices on the ballot again and send your vote."),
        ], 409, retry=True)
    if isinstance(error, ConfigDrift):
        return Refusal(t.gettext("Voting is paused"), [
            t.gettext("The rules of this round no longer match the ones published when voting started. "
                      "Voting is paused until the municipality has fixed this. Your earlier vote is safe."),
        ], 409)
    if isinstance(error, NotEligible):
        return Refusal(t.gettext("You cannot vote in this budget"), [
            t.gettext("Your vote was not sent: you are not entitled to vote in this budget.")], 403)
    if isinstance(error, AlreadyVoted):
        return Refusal(t.gettext("You have already voted"), [
            t.gettext("You have already voted in this budget, and in this round a vote cannot be changed.")], 409)
    return Refusal(t.gettext("Your vote was not sent"), [
        t.gettext("Your choices did not fit the rules of this ballot. Go back to the ballot and check them.")],
        422, retry=True)
