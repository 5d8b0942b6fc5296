"""The voting booth as one resident sees a budget: its frozen rules and projects, in that voter's own order,
whether they may vote and whether a ballot of theirs counts; and a draft checked as a cast would check it.

Everything here reads; casting stays in :mod:`pb.voting.service`. The rules are the frozen configuration the
cast validates against (the app's :class:`pb.voting.cache.VotingCache`), so the booth can never accept what a cast
refuses, and a draft is checked by the same :func:`pb.voting.validation.checked_selections`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ballots.formats import Problem
from pb.core.errors import NotFound
from pb.core.models import BallotProject, Budget, BudgetRound, Municipality, Phase
from pb.municipalities.overview import municipality_by_slug
from pb.voting.cache import VotingCache
from pb.voting.eligibility import Verdict, VoterClaims
from pb.voting.errors import InvalidBallot, VotingClosed
from pb.voting.frozen import FrozenBudget, FrozenRound
from pb.voting.keys import VotingKeys
from pb.voting.models import Participation
from pb.voting.prepared import eligibility
from pb.voting.receipts import Selections
from pb.voting.validation import checked_selections


@dataclass(frozen=True, slots=True)
class BoothProject:
    code: str
    title: dict[str, str]
    description: dict[str, str]
    cost: int
    """Cents, as frozen."""


@dataclass(frozen=True, slots=True)
class Booth:
    municipality: Municipality
    round: BudgetRound
    budget: Budget
    frozen: FrozenRound
    rules: FrozenBudget
    projects: list[BoothProject]
    """In the order this voter always sees them."""
    verdict: Verdict
    voted: bool
    """Whether a ballot of this voter counts in the budget (never which one)."""

    @property
    def config_hash(self) -> str:
        return self.frozen.config_hash

    @property
    def may_cast(self) -> bool:
        """Eligible, and either not voted yet or allowed to change the vote."""
        return self.verdict.eligible and (not self.voted or self.frozen.allow_revoting)


async def round_by_slugs(
    session: AsyncSession, *, municipality_slug: str, round_slug: str
) -> tuple[Municipality, BudgetRound]:
    municipality = await municipality_by_slug(session, municipality_slug)
    found = (
        await session.exec(
            select(BudgetRound).where(BudgetRound.municipality_id == municipality.id, BudgetRound.slug == round_slug)
        )
    ).first()
    if found is None:
        raise NotFound(
            "no round %(round_slug)r in %(municipality_slug)r",
            field="round", round_slug=round_slug, municipality_slug=municipality_slug,
        )
    return municipality, found


async def budget_by_slugs(
    session: AsyncSession, *, municipality_slug: str, round_slug: str, budget_slug: str
) -> tuple[Municipality, BudgetRound, Budget]:
    """The three rows in one query: every booth and results page starts here. Only a miss asks again step by
    step, so the 404 names the first slug that matches nothing."""
    found = (
        await session.exec(
            select(Municipality, BudgetRound, Budget)
            .join(BudgetRound, BudgetRound.municipality_id == Municipality.id)  # type: ignore[arg-type]
            .join(Budget, Budget.round_id == BudgetRound.id)  # type: ignore[arg-type]
            .where(Municipality.slug == municipality_slug, BudgetRound.slug == round_slug,
                   Budget.slug == budget_slug)
        )
    ).first()
    if found is not None:
        return found[0], found[1], found[2]
    await round_by_slugs(session, municipality_slug=municipality_slug, round_slug=round_slug)
    raise NotFound(
        "no budget %(budget_slug)r in round %(round_slug)r",
        field="budget", budget_slug=budget_slug, round_slug=round_slug,
    )


async def open_booth(
    session: AsyncSession,
    *,
    municipality_slug: str,
    round_slug: str,
    budget_slug: str,
    voter: VoterClaims,
    keys: VotingKeys,
    cache: VotingCache,
    now: datetime,
) -> Booth:
    """The budget's booth for ``voter``; VotingClosed outside the voting window, ConfigDrift when the round's
    rules no longer hash to what was frozen."""
    municipality, budget_round, budget = await budget_by_slugs(
        session, municipality_slug=municipality_slug, round_slug=round_slug, budget_slug=budget_slug
    )
    assert budget_round.id is not None
    assert budget.id is not None
    if budget_round.phase != Phase.VOTING.value or budget_round.config_hash is None:
        raise VotingClosed(
            "voting is not open: the round is in its %(phase)s phase", phase=budget_round.phase
        )
    frozen = await cache.frozen_round(session, budget_round.id, budget_round.config_hash)
    if frozen.voting_ends_at is not None and now >= frozen.voting_ends_at:
        raise VotingClosed("voting has ended", phase=Phase.VOTING.value)
    rules = frozen.budgets[budget.id]
    voter_key = keys.voter_key(budget_round.id, voter.person_key)
    projects = await _projects(session, rules, order_key=lambda code: keys.tag(
        budget_round.id or 0, "booth-order", voter_key, str(budget.id), code))
    voted = (
        await session.exec(
            select(Participation.budget_id).where(
                Participation.budget_id == budget.id, Participation.voter_key == voter_key
            )
        )
    ).first() is not None
    verdict = eligibility(frozen, rules, voter, municipality_code=municipality.code, now=now)
    return Booth(municipality, budget_round, budget, frozen, rules, projects, verdict, voted)


async def _projects(
    session: AsyncSession, rules: FrozenBudget, *, order_key: Callable[[str], str]
) -> list[BoothProject]:
    """The frozen projects with their titles, ordered by a keyed hash of voter, budget and code: the same for
    that voter on every visit, unrelated between voters, and no help to anyone guessing a voter's order."""
    rows = (await session.exec(select(BallotProject).where(BallotProject.budget_id == rules.id))).all()
    texts = {p.code: p for p in rows}
    projects = [
        BoothProject(p.id, texts[p.id].title, texts[p.id].description, int(p.cost))
        for p in rules.instance.projects
        if p.id in texts
    ]
    return sorted(projects, key=lambda p: order_key(p.code))


def check_draft(booth: Booth, selections: Selections) -> tuple[Selections | None, Sequence[Problem]]:
    """The draft in canonical form if a cast would accept it, else every problem the cast would name."""
    try:
        return checked_selections(booth.rules, selections), ()
    except InvalidBallot as refused:
        return None, [Problem(p.code, p.message, p.project, p.values) for p in refused.problems] or [
            Problem(str(refused.extra.get("reason", "invalid")), refused.detail)
        ]
