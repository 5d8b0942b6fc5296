"""HTTP routes for taking part: comments, questions and answers, support, volunteering, reports."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from pb.auth.principal import MANAGERS
from pb.http.dependencies import Caller, DbSession, Id, Now, only
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

    @get("/comments", operation_id="listComments", summary="Read a proposal's discussion")
    async def thread(self, db_session: DbSession, proposal_id: FromPath[Id]) -> Sequence[CommentPublic]:
        """Comments, questions and official answers on the proposal, oldest first. No sign-in needed."""
        return await discussion.thread(db_session, proposal_id=proposal_id)

    @post("/comments", dependencies=PARTICIPANT, operation_id="addComment", summary="Comment on a proposal")
    async def comment(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[CommentCreate],
        who: Who,
        now: Now,
    ) -> CommentPublic:
        """A signed-in participant adds a comment, or a reply to one (`parent_id`), with or without their name shown."""
        row = await discussion.add_comment(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return discussion.comment_view(row)

    @post("/questions", dependencies=PARTICIPANT, operation_id="askQuestion", summary="Ask a question about a proposal")
    async def ask(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[QuestionCreate],
        who: Who,
        now: Now,
    ) -> CommentPublic:
        """A signed-in participant asks a question about the proposal, which the municipality's officials answer (`POST
        /questions/{question_id}/answers`)."""
        row = await discussion.ask_question(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return discussion.comment_view(row)

    @get("/support", dependencies=PARTICIPANT, operation_id="getMySupport",
         summary="See whether you support a proposal")
    async def my_support(self, db_session: DbSession, proposal_id: FromPath[Id], who: Who) -> SupportPublic:
        """Whether the signed-in participant supports this proposal, and its support count."""
        return await support.status(db_session, proposal_id=proposal_id, who=who)

    @post("/support", dependencies=PARTICIPANT, operation_id="supportProposal", summary="Support a proposal")
    async def support(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> SupportPublic:
        """A signed-in resident who may take part in the round supports the proposal while supports are collected;
        supports count towards its advancement to the ballot."""
        return await support.support(db_session, proposal_id=proposal_id, who=who, now=now)

    @delete("/support", dependencies=PARTICIPANT, status_code=200, operation_id="withdrawSupport",
            summary="Withdraw your support")
    async def withdraw(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> SupportPublic:
        """The signed-in participant takes back their support for the proposal while supports are collected."""
        return await support.withdraw(db_session, proposal_id=proposal_id, who=who, now=now)

    @get("/volunteers", operation_id="countVolunteers", summary="Count a proposal's volunteers")
    async def volunteers(self, db_session: DbSession, proposal_id: FromPath[Id]) -> VolunteerSummary:
        """How many people offered to help carry out the proposal. No sign-in needed."""
        return await volunteers.summary(db_session, proposal_id=proposal_id)

    @post("/volunteers", dependencies=PARTICIPANT, operation_id="offerHelp", summary="Offer to help with a proposal")
    async def offer_help(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[VolunteerCreate],
        who: Who,
        now: Now,
    ) -> Ack:
        """A signed-in participant offers to help carry out the proposal: what kind of help, a message, and optionally
        a contact that only its authors, the coordinator and officials see. Volunteers later get news of its
        progress."""
        row = await volunteers.offer_help(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return Ack(id=row.id or 0, created_at=row.created_at)

    @delete("/volunteers", dependencies=PARTICIPANT, status_code=200, operation_id="withdrawOffer",
            summary="Withdraw your offer to help")
    async def withdraw_offer(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who, now: Now
    ) -> VolunteerSummary:
        """The signed-in participant withdraws their own offer of help; the answer is the new count."""
        await volunteers.withdraw_offer(db_session, proposal_id=proposal_id, who=who, now=now)
        return await volunteers.summary(db_session, proposal_id=proposal_id)

    @get("/volunteers/offers", dependencies=PARTICIPANT, operation_id="listVolunteerOffers",
         summary="List the offers to help")
    async def offers(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who
    ) -> Sequence[VolunteerPrivate]:
        """Every offer of help with its message and contact, for the proposal's authors, the network's coordinator and
        the municipality's officials."""
        rows = await volunteers.offers_for_organisers(db_session, proposal_id=proposal_id, who=who)
        return [VolunteerPrivate.model_validate(r) for r in rows]

    @post("/reports", dependencies=PARTICIPANT, operation_id="reportContent", summary="Report a proposal or comment")
    async def report(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[ReportCreate],
        who: Who,
        now: Now,
    ) -> Ack:
        """A signed-in participant reports content that breaks the rules; the round's officials see it in `GET
        /rounds/{round_id}/reports`."""
        row = await moderation.report(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return Ack(id=row.id or 0, created_at=row.created_at)


class AnswerController(Controller):
    path = "/questions/{question_id:int}/answers"
    opt = only(MANAGERS)
    tags = ("deliberation",)

    @post("/", dependencies=AUTH, operation_id="answerQuestion", summary="Answer a question")
    async def answer(
        self,
        db_session: DbSession,
        question_id: FromPath[Id],
        data: JSONBody[AnswerCreate],
        principal: Caller,
        now: Now,
    ) -> CommentPublic:
        """An official of the municipality answers a resident's question on a proposal; the answer shows as official in
        the discussion."""
        row = await discussion.answer_question(
            db_session, question_id=question_id, data=data, actor=principal, now=now
        )
        return discussion.comment_view(row)
