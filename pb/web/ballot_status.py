"""A resident's budgets in a round as pages show them: where they may vote, why not elsewhere, where their ballot
counts, and the booth's address. The booth's budget list and "my page" both show this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import Resident
from pb.core.models import BallotFormat, BudgetRound, Municipality, Phase
from pb.i18n import Translator
from pb.rounds.service import windows_of
from pb.voting.eligibility import Verdict, last_voting_day
from pb.voting.keys import VotingKeys
from pb.voting.my_budgets import my_budgets
from pb.web.labels import BALLOT_FORMATS
from pb.web.views import Localized, localized


@dataclass(frozen=True, slots=True)
class BallotStatus:
    budget_id: int
    name: Localized
    format_label: str
    eligible: bool
    voted: bool
    why_not: str | None
    """Why this resident may not vote in the budget, in a sentence; None when they may."""
    booth_url: str


def booth_url(municipality_slug: str, round_slug: str, budget_slug: str) -> str:
    return f"/{municipality_slug}/vote/{round_slug}/{budget_slug}"


def why_not(
    verdict: Verdict, t: Translator, *, min_age: int, voting_ends_at: datetime | None, now: datetime,
    municipality: Municipality, postal_code: str | None,
) -> str | None:
    """The eligibility verdict's reason as a plain-language sentence."""
    if verdict.eligible:
        return None
    reason = verdict.reason
    if reason == "too-young":
        return t.gettext("You must be at least %(age)s years old on %(date)s to vote in this budget.",
                         age=t.number(min_age), date=t.date(last_voting_day(voting_ends_at, now=now)))
    if reason == "age-unknown":
        return t.gettext("Your e-identification did not give your date of birth, so your age cannot be checked.")
    if reason == "municipality-unknown":
        return t.gettext("Your e-identification did not give your home municipality.")
    if reason == "other-municipality":
        return t.gettext("Only residents of %(municipality)s can vote.",
                         municipality=localized(municipality.name, t.locale).text)
    if reason == "postal-code-unknown":
        return t.gettext("Your e-identification did not give your postal code.")
    if reason == "outside-area" and postal_code:
        return t.gettext("Only residents of the network's area can vote in this budget. Your postal code is "
                         "%(postal_code)s.", postal_code=postal_code)
    return t.gettext("You cannot vote in this budget.")


async def ballot_statuses(
    session: AsyncSession, *, municipality: Municipality, budget_round: BudgetRound, resident: Resident,
    keys: VotingKeys, t: Translator, now: datetime,
) -> list[BallotStatus]:
    """Every budget of the round for this resident, from the same service the API's my-budgets uses."""
    assert budget_round.id is not None
    rows = await my_budgets(session, round_id=budget_round.id, voter=resident, keys=keys, now=now)
    voting = [w for w in await windows_of(session, budget_round.id) if w.phase == Phase.VOTING.value]
    ends_at = voting[0].ends_at if voting else None
    statuses = []
    for row in rows:
        statuses.append(BallotStatus(
            budget_id=row.budget.id or 0,
            name=localized(row.budget.name, t.locale),
            format_label=BALLOT_FORMATS[BallotFormat(row.budget.ballot_format)].render(t),
            eligible=row.verdict.eligible,
            voted=row.voted,
            why_not=why_not(row.verdict, t, min_age=row.budget.min_age or budget_round.min_age,
                            voting_ends_at=ends_at, now=now, municipality=municipality,
                            postal_code=resident.postal_code),
            booth_url=booth_url(municipality.slug, budget_round.slug, row.budget.slug),
        ))
    return statuses
