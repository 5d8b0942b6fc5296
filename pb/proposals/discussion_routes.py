"""HTTP routes for taking part: comments, questions and answers, support, volunteering, reports."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from pb.http.dependencies import Caller, DbSession, Id, Now
from pb.proposals import discussion, moderation, support, volunteers
from pb.proposals.deliberation_schemas import (
    Ack,
    AnswerCreate,
    CommentCreate,
    CommentPublic,
    QuestionCreate,
    ReportCreate,
    SupportPublic,
    VolunteerCreate,
    VolunteerPrivate,
    VolunteerSummary,
)
from pb.proposals.dependencies import AUTH, PARTICIPANT, Who


class DiscussionController(Controller):
    path = "/proposals/{proposal_id:int}"
    tags = ("deliberation",)

    @get("/comments", operation_id="listComments")
    async def thread(self, db_session: DbSession, proposal_id: FromPath[Id]) -> Sequence[CommentPublic]:
        return await discussion.thread(db_session, proposal_id=proposal_id)

    @post("/comments", dependencies=PARTICIPANT, operation_id="addComment")
    async def comment(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[CommentCreate],
        who: Who,
        now: Now,
    ) -> CommentPublic:
        row = await discussion.add_comment(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return discussion.comment_view(row)

    @post("/questions", dependencies=PARTICIPANT, operation_id="askQuestion")
    async def ask(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[QuestionCreate],
        who: Who,
        now: Now,
    ) -> CommentPublic:
        row = await discussion.ask_question(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return discussion.comment_view(row)

    @get("/support", dependencies=PARTICIPANT, operation_id="getMySupport")
    async def my_support(self, db_session: DbSession, proposal_id: FromPath[Id], who: Who) -> SupportPublic:
        return await support.status(db_session, proposal_id=proposal_id, who=who)

    @post("/support", dependencies=PARTICIPANT, operation_id="supportProposal")
    async def support(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> SupportPublic:
        return await support.support(db_session, proposal_id=proposal_id, who=who, now=now)

    @delete("/support", dependencies=PARTICIPANT, status_code=200, operation_id="withdrawSupport")
    async def withdraw(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> SupportPublic:
        return await support.withdraw(db_session, proposal_id=proposal_id, who=who, now=now)

    @get("/volunteers", operation_id="countVolunteers")
    async def volunteers(self, db_session: DbSession, proposal_id: FromPath[Id]) -> VolunteerSummary:
        return await volunteers.summary(db_session, proposal_id=proposal_id)

    @post("/volunteers", dependencies=PARTICIPANT, operation_id="offerHelp")
    async def offer_help(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[VolunteerCreate],
        who: Who,
        now: Now,
    ) -> Ack:
        row = await volunteers.offer_help(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return Ack(id=row.id or 0, created_at=row.created_at)

    @delete("/volunteers", dependencies=PARTICIPANT, status_code=200, operation_id="withdrawOffer")
    async def withdraw_offer(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> VolunteerSummary:
        await volunteers.withdraw_offer(db_session, proposal_id=proposal_id, who=who, now=now)
        return await volunteers.summary(db_session, proposal_id=proposal_id)

    @get("/volunteers/offers", dependencies=PARTICIPANT, operation_id="listVolunteerOffers")
    async def offers(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who
    ) -> Sequence[VolunteerPrivate]:
        rows = await volunteers.offers_for_organisers(db_session, proposal_id=proposal_id, who=who)
        return [VolunteerPrivate.model_validate(r) for r in rows]

    @post("/reports", dependencies=PARTICIPANT, operation_id="reportContent")
    async def report(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[ReportCreate],
        who: Who,
        now: Now,
    ) -> Ack:
        row = await moderation.report(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return Ack(id=row.id or 0, created_at=row.created_at)


class AnswerController(Controller):
    path = "/questions/{question_id:int}/answers"
    tags = ("deliberation",)

    @post("/", dependencies=AUTH, operation_id="answerQuestion")
    async def answer(
        self,
        db_session: DbSession,
        question_id: FromPath[Id],
        data: JSONBody[AnswerCreate],
        principal: Caller,
        now: Now,
    ) -> CommentPublic:
        row = await discussion.answer_question(
            db_session, question_id=question_id, data=data, actor=principal, now=now
        )
        return discussion.comment_view(row)
