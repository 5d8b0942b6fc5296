"""The living demo: Tuusula's 2027 round open for voting now, with every ballot format, proposals and their
deliberation, and the development IdP's people in different networks' areas."""

from __future__ import annotations

from collections import Counter
from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select

from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import BallotFormat, BallotProject, Budget, BudgetRound, Phase, RoundPhase
from pb.core.settings import Settings
from pb.demo.loader import load_demo
from pb.demo.tuusula import ROUND_2027
from pb.devidp.persons import BY_ID
from pb.proposals.models import (
    CommentKind,
    Proposal,
    ProposalComment,
    ProposalReview,
    ProposalStatus,
    ProposalSupport,
    ProposalVersion,
    VolunteerOffer,
)
from pb.voting.keys import VotingKeys
from pb.voting.my_budgets import my_budgets
from tests.conftest import Clock
from tests.pb.auth.helpers import resident_headers


@pytest.fixture
def database_url(demo_database_url: str) -> str:
    """A copy of the demo loaded once per run at the tests' clock's moment (tests/pb/conftest.py)."""
    return demo_database_url


@pytest.fixture
async def demo(engine: AsyncEngine) -> BudgetRound:
    async with create_sessionmaker(engine)() as session:
        return (await session.exec(select(BudgetRound).where(BudgetRound.slug == ROUND_2027))).one()


async def test_the_2027_round_is_open_for_voting_now(engine: AsyncEngine, demo: BudgetRound, clock: Clock) -> None:
    async with create_sessionmaker(engine)() as session:
        budget_round = await session.get(BudgetRound, demo.id)
        voting = (await session.exec(select(RoundPhase).where(
            RoundPhase.round_id == demo.id, RoundPhase.phase == Phase.VOTING.value))).one()

    assert budget_round is not None and budget_round.slug == ROUND_2027
    assert budget_round.phase == Phase.VOTING.value and budget_round.config_hash is not None
    assert voting.starts_at < clock() < voting.ends_at


async def test_every_budget_has_projects_and_every_ballot_format_is_in_use(
    engine: AsyncEngine, demo: BudgetRound
) -> None:
    async with create_sessionmaker(engine)() as session:
        budgets = (await session.exec(select(Budget).where(Budget.round_id == demo.id))).all()
        projects = Counter((await session.exec(select(BallotProject.budget_id))).all())

    assert {BallotFormat(b.ballot_format) for b in budgets} == set(BallotFormat)
    assert all(projects[b.id or 0] >= 3 for b in budgets), projects
    assert any(b.ballot_format == BallotFormat.APPROVAL and b.min_selections > 0 and b.max_selections
               for b in budgets)


async def test_the_idp_people_live_in_different_networks_areas(
    engine: AsyncEngine, settings: Settings, demo: BudgetRound, clock: Clock
) -> None:
    keys = VotingKeys(settings.voter_key_master)
    regional = {"hyryla", "riihikallio", "jokela", "kellokoski"}
    eligible: dict[str, set[str]] = {}
    async with create_sessionmaker(engine)() as session:
        for person_id in ("aino", "matti", "liisa", "juhani", "eetu"):
            person = BY_ID[person_id]
            voter = _Voter(f"person-{person_id}", person.birth_date, person.municipality_code, person.postal_code)
            assert demo.id is not None
            budgets = await my_budgets(session, round_id=demo.id, voter=voter, keys=keys, now=clock())
            eligible[person_id] = {b.budget.slug for b in budgets if b.verdict.eligible}

    assert {person: eligible[person] & regional for person in ("aino", "matti", "liisa", "juhani")} == {
        "aino": {"hyryla"}, "matti": {"riihikallio"}, "liisa": {"jokela"}, "juhani": {"kellokoski"}}
    assert eligible["eetu"] == set()  # 13 years old: below the round's minimum age


async def test_a_test_person_votes_in_their_regional_budget_through_the_api(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, demo: BudgetRound
) -> None:
    aino = BY_ID["aino"]
    headers = await resident_headers(engine, settings, clock, national_id=aino.national_id,
                                     birth_date=aino.birth_date, postal_code=aino.postal_code)
    async with create_sessionmaker(engine)() as session:
        hyryla = (await session.exec(select(Budget).where(Budget.round_id == demo.id, Budget.slug == "hyryla"))).one()
        cheapest = (await session.exec(select(BallotProject).where(BallotProject.budget_id == hyryla.id)
                                       .order_by(col(BallotProject.cost)))).first()
    assert cheapest is not None

    response = await client.post(f"/budgets/{hyryla.id}/ballot", headers=headers,
                                 json={"selections": [cheapest.code], "config_hash": demo.config_hash})

    assert response.status_code == 201, response.text


async def test_proposals_went_through_every_stage_with_their_deliberation(
    engine: AsyncEngine, demo: BudgetRound
) -> None:
    async with create_sessionmaker(engine)() as session:
        proposals = (await session.exec(select(Proposal).where(Proposal.round_id == demo.id))).all()
        on_ballot = {p.proposal_id for p in (await session.exec(select(BallotProject).join(
            Budget, col(Budget.id) == col(BallotProject.budget_id)).where(Budget.round_id == demo.id))).all()}
        comments = (await session.exec(select(ProposalComment))).all()
        reviews = (await session.exec(select(ProposalReview.decision))).all()
        supports = (await session.exec(select(func.count()).select_from(ProposalSupport))).one()
        offers = (await session.exec(select(VolunteerOffer))).all()
        versions = Counter((await session.exec(select(ProposalVersion.proposal_id))).all())

    statuses = Counter(p.status for p in proposals)
    assert {ProposalStatus.ON_BALLOT, ProposalStatus.NOT_ADVANCED, ProposalStatus.MERGED} <= set(statuses)
    assert {p.id for p in proposals if p.status == ProposalStatus.ON_BALLOT} == on_ballot
    kinds = Counter(c.kind for c in comments)
    assert kinds[CommentKind.COMMENT] and kinds[CommentKind.QUESTION] and kinds[CommentKind.ANSWER]
    assert any(c.parent_id is not None and c.kind == CommentKind.COMMENT for c in comments)
    assert all(c.official for c in comments if c.kind == CommentKind.ANSWER)
    assert {"feasible", "feasible_with_changes", "not_feasible", "out_of_scope"} <= set(reviews)
    assert supports > len(proposals)
    assert offers and any(o.show_name for o in offers) and any(not o.show_name for o in offers)
    assert max(versions.values()) >= 2


async def test_loading_the_demo_again_changes_nothing(
    engine: AsyncEngine, settings: Settings, clock: Clock, demo: BudgetRound
) -> None:
    async with create_sessionmaker(engine)() as session:
        before = (await session.exec(select(func.count()).select_from(AuditEvent))).one()

    async with create_sessionmaker(engine)() as session, session.begin():
        again = await load_demo(session, settings=settings, now=clock.advance(hours=1))
    async with create_sessionmaker(engine)() as session:
        after = (await session.exec(select(func.count()).select_from(AuditEvent))).one()

    assert again.id == demo.id and after == before


class _Voter:
    def __init__(self, person_key: str, birth_date: date, municipality_code: str, postal_code: str) -> None:
        self.person_key, self.birth_date = person_key, birth_date
        self.municipality_code, self.postal_code = municipality_code, postal_code
