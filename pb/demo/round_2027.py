"""The demo's 2027 round, open for voting now: proposed, reviewed, discussed and supported in the weeks before,
with every ballot format pb supports in use across its budgets.

Everything goes through the services with the moment it happened (``at(days)`` before or after now), so the
data obeys the same rules as real data: proposals in the proposals phase, discussion and support while a
deliberation round is open, reviews before the ballot is made, the ballot from the last deliberation round.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal
from pb.budgets.schemas import BudgetCreate, BudgetUpdate
from pb.budgets.service import create_budget, update_budget
from pb.core.models import BallotFormat, Budget, BudgetRound, Municipality, Phase, Role
from pb.core.schemas import LocalizedName
from pb.core.settings import Settings
from pb.demo import proposals_2027
from pb.demo.people import DemoResident, dev_person, neighbours
from pb.demo.proposals_2027 import Idea
from pb.demo.tuusula import DEMO_ACTOR, create_network_round
from pb.lifecycle.phases import transition
from pb.proposals import discussion, reviews, support, volunteers
from pb.proposals.advancement import close_stage
from pb.proposals.deliberation_schemas import (
    AdvancementRule,
    AnswerCreate,
    CommentCreate,
    MergeRequest,
    QuestionCreate,
    ReviewCreate,
    StageCreate,
    VolunteerCreate,
)
from pb.proposals.models import Feasibility, Proposal, ProposalStatus
from pb.proposals.schemas import ProposalCreate, ProposalUpdate
from pb.proposals.service import submit_proposal, update_proposal
from pb.proposals.stages import create_stage
from pb.proposals.text import Texts, Titles
from pb.rounds.schemas import Schedule

Clock = Callable[[float], datetime]


def schedule(at: Clock) -> Schedule:
    return Schedule.model_validate({"phases": [
        {"phase": "proposals", "starts_at": at(-70), "ends_at": at(-42)},
        {"phase": "deliberation", "starts_at": at(-42), "ends_at": at(-7)},
        {"phase": "voting", "starts_at": at(-3), "ends_at": at(18)},
        {"phase": "tallying", "starts_at": at(18), "ends_at": at(21)},
        {"phase": "results", "starts_at": at(21), "ends_at": at(90)},
        {"phase": "implementation", "starts_at": at(90), "ends_at": at(455)},
        {"phase": "closed", "starts_at": at(455), "ends_at": at(820)},
    ]})


EXTRA_BUDGETS = (
    BudgetCreate(slug="koko-tuusula", name=LocalizedName(fi="Koko Tuusula", sv="Hela Tusby", en="All of Tuusula"),
                 amount=1_000_000, ballot_format=BallotFormat.CUMULATIVE, max_points_per_project=5,
                 max_total_points=10, rule="equal-shares", rule_params={"completion": "add1"}),
    BudgetCreate(slug="kulttuuri", name=LocalizedName(fi="Kulttuuri", sv="Kultur", en="Culture"),
                 amount=600_000, ballot_format=BallotFormat.RANKED, max_selections=3, rule="greedy"),
)
"""Municipality-wide budgets beside the networks' ones: points to share out, and an order of preference."""


async def load_round_2027(
    session: AsyncSession, municipality: Municipality, settings: Settings, *, now: datetime
) -> BudgetRound:
    def at(days: float) -> datetime:
        return now + timedelta(days=days)

    assert municipality.id is not None
    official = Principal(subject="osallisuus@tuusula.example", role=Role.OFFICIAL, municipality_id=municipality.id)
    budget_round = await create_network_round(session, municipality, year=2027, schedule=schedule(at), now=at(-80))
    assert budget_round.id is not None
    budgets = await _budgets(session, budget_round.id, at(-80))
    stages = await _stages(session, budget_round.id, at)
    await transition(session, round_id=budget_round.id, to=Phase.PROPOSALS, actor=official, now=at(-70))
    people = People(settings)
    submitted = await _submit(session, budgets, people, at)
    await _review(session, submitted, official, at(-45))
    await transition(session, round_id=budget_round.id, to=Phase.DELIBERATION, actor=official, now=at(-42))
    await _deliberate(session, submitted, people, official, at)
    await close_stage(session, stage_id=stages[0], actor=official, now=at(-25))
    await close_stage(session, stage_id=stages[1], actor=official, now=at(-9))
    await _volunteer(session, submitted, people, at(-8))
    await transition(session, round_id=budget_round.id, to=Phase.VOTING, actor=official, now=at(-3))
    return budget_round


async def _budgets(session: AsyncSession, round_id: int, now: datetime) -> dict[str, int]:
    for data in EXTRA_BUDGETS:
        await create_budget(session, round_id=round_id, data=data, actor=DEMO_ACTOR, now=now)
    rows = (await session.exec(select(Budget).where(Budget.round_id == round_id))).all()
    by_slug = {b.slug: b.id for b in rows if b.id is not None}
    # The business network asks every voter to pick at least one project: approval with a minimum and a maximum.
    await update_budget(session, budget_id=by_slug["elinkeinoverkosto"], data=BudgetUpdate(min_selections=1),
                        actor=DEMO_ACTOR, now=now)
    return by_slug


async def _stages(session: AsyncSession, round_id: int, at: Clock) -> list[int]:
    first = StageCreate(
        name=LocalizedName(fi="Kommentointi ja kannatus", sv="Kommentarer och stöd", en="Comments and support"),
        starts_at=at(-42), ends_at=at(-25), rule=AdvancementRule(id="min-support", min_supports=2,
                                                                  require_feasible=False))
    last = StageCreate(
        name=LocalizedName(fi="Äänestettävät hankkeet", sv="Projekten att rösta om", en="The projects to vote on"),
        starts_at=at(-25), ends_at=at(-9), rule=AdvancementRule(id="min-support", min_supports=0), is_last=True)
    ids = []
    for data in (first, last):
        stage = await create_stage(session, round_id=round_id, data=data, actor=DEMO_ACTOR, now=at(-75))
        assert stage.id is not None
        ids.append(stage.id)
    return ids


class People:
    """The development IdP's persons and a dozen neighbours per area, by area."""

    def __init__(self, settings: Settings) -> None:
        self.dev = {person: dev_person(settings, person) for person in
                    ("aino", "matti", "liisa", "juhani", "sanna-bank", "eetu", "heikki")}
        self.areas = {area: neighbours(settings, area, 14) for area in ("hyryla", "riihikallio", "jokela",
                                                                         "kellokoski")}

    def of(self, budget: str) -> list[DemoResident]:
        return self.areas.get(budget) or [p for area in self.areas.values() for p in area[::3]]


async def _submit(
    session: AsyncSession, budgets: dict[str, int], people: People, at: Clock
) -> list[tuple[Idea, Proposal]]:
    submitted = []
    ideas = [*proposals_2027.IDEAS, *(idea for _, idea in proposals_2027.MERGED)]
    for number, idea in enumerate(ideas):
        author = people.dev[idea.author] if idea.author else people.of(idea.budget)[number % 7 + 7]
        data = ProposalCreate(
            budget_id=budgets[idea.budget], title=Titles.model_validate(idea.title),
            description=Texts.model_validate(idea.description), theme=idea.theme,
            own_cost=idea.own_cost * 100 if idea.own_cost is not None else None, show_name=idea.show_name)
        proposal = await submit_proposal(session, data=data, who=author.participant, now=at(-68 + number * 0.6))
        submitted.append((idea, proposal))
    first = submitted[0][1]
    assert first.id is not None
    await update_proposal(session, proposal_id=first.id, who=people.dev["aino"].participant, now=at(-50), data=
                          ProposalUpdate.model_validate({
                              "description": {**first.description, "fi": first.description["fi"]
                                              + " Laitteet sopivat myös pyörätuolia käyttäville."},
                              "note": "Lisäsin esteettömyyden."}))
    return submitted


async def _review(
    session: AsyncSession, submitted: list[tuple[Idea, Proposal]], official: Principal, now: datetime
) -> None:
    for idea, proposal in submitted:
        if idea.cost is None and idea.decision in (proposals_2027.FEASIBLE, proposals_2027.WITH_CHANGES):
            continue  # merged before it is reviewed
        reasons = idea.reason or {"fi": "Toteutettavissa kunnan tilaamana hankintana.",
                                  "en": "Can be carried out as a purchase by the municipality."}
        assert proposal.id is not None
        await reviews.review(session, proposal_id=proposal.id, actor=official, now=now, data=ReviewCreate(
            decision=Feasibility(idea.decision), reasons=Texts.model_validate(reasons),
            cost=idea.cost * 100 if idea.cost is not None else None))


COMMENTS = (
    "Hyvä idea, tätä on kaivattu pitkään!",
    "Bra förslag, det här behövs.",
    "Great idea, my children would use this every week.",
    "Kannatan, mutta huolto pitää miettiä etukäteen.",
)
REPLY = "Samaa mieltä, talkooporukka voisi auttaa."
QUESTION = "Kuka huolehtii tästä talvella?"
ANSWER = "Kunnan kiinteistöpalvelut huoltaa kohteen osana tavallista kunnossapitoa."


async def _deliberate(
    session: AsyncSession, submitted: list[tuple[Idea, Proposal]], people: People, official: Principal,
    at: Clock,
) -> None:
    for number, (idea, proposal) in enumerate(submitted):
        assert proposal.id is not None
        for supporter in people.of(idea.budget)[: idea.supports]:
            await support.support(session, proposal_id=proposal.id, who=supporter.participant,
                                  now=at(-40 + number * 0.3))
        if number % 3 == 0:
            await _discuss(session, proposal.id, people.of(idea.budget), official, at(-38 + number * 0.2))
    for target_title, source_idea in proposals_2027.MERGED:
        target = next(p for i, p in submitted if i.title["fi"] == target_title)
        source = next(p for i, p in submitted if i is source_idea)
        assert target.id is not None
        assert source.id is not None
        await reviews.merge(session, proposal_id=target.id, actor=official, now=at(-30), data=MergeRequest(
            sources=[source.id], note="Sama ehdotus: istumapaikkoja järvelle kävelevien tueksi."))


async def _discuss(
    session: AsyncSession, proposal_id: int, residents: list[DemoResident], official: Principal, now: datetime
) -> None:
    first = await discussion.add_comment(session, proposal_id=proposal_id, who=residents[0].participant, now=now,
                                         data=CommentCreate(body=COMMENTS[proposal_id % len(COMMENTS)]))
    await discussion.add_comment(session, proposal_id=proposal_id, who=residents[1].participant,
                                 now=now + timedelta(hours=3),
                                 data=CommentCreate(body=REPLY, parent_id=first.id, show_name=True))
    question = await discussion.ask_question(session, proposal_id=proposal_id, who=residents[2].participant,
                                             now=now + timedelta(hours=5), data=QuestionCreate(body=QUESTION))
    assert question.id is not None
    await discussion.answer_question(session, question_id=question.id, actor=official, now=now + timedelta(days=1),
                                     data=AnswerCreate(body=ANSWER))


async def _volunteer(
    session: AsyncSession, submitted: list[tuple[Idea, Proposal]], people: People, now: datetime
) -> None:
    on_ballot = [(i, p) for i, p in submitted if p.status == ProposalStatus.ON_BALLOT.value]
    for number, (idea, proposal) in enumerate(on_ballot[:12]):
        assert proposal.id is not None
        helper = people.of(idea.budget)[3 + number % 3]
        await volunteers.offer_help(session, proposal_id=proposal.id, who=helper.participant, now=now,
                                    data=VolunteerCreate.model_validate({
                                        "name": helper.name, "show_name": number % 2 == 0,
                                        "offers": ["time"] if number % 2 else ["time", "skills"],
                                        "message": "Voin auttaa rakentamisessa ja talkoissa."}))
