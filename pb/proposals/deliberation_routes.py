"""HTTP routes of deliberation for officials and coordinators: reviews, merges and splits, deliberation rounds."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from pb.http.dependencies import Caller, DbSession, Id, Now
from pb.proposals import advancement, reviews, service, stages
from pb.proposals.deliberation_schemas import (
    AdvancementPublic,
    MergeRequest,
    ReviewCreate,
    ReviewPublic,
    SplitRequest,
    StageClose,
    StageCreate,
    StagePublic,
    StageUpdate,
)
from pb.proposals.dependencies import AUTH
from pb.proposals.schemas import ProposalPublic


class ReviewController(Controller):
    """Officials' reviews of a proposal, merges and splits, and the advancement decisions about it."""

    path = "/proposals/{proposal_id:int}"
    tags = ("reviews",)

    @get("/reviews", operation_id="listReviews")
    async def reviews(self, db_session: DbSession, proposal_id: FromPath[Id]) -> Sequence[ReviewPublic]:
        rows = await reviews.reviews_of(db_session, proposal_id=proposal_id)
        return [ReviewPublic.model_validate(r) for r in rows]

    @post("/reviews", dependencies=AUTH, operation_id="reviewProposal")
    async def review(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[ReviewCreate],
        principal: Caller,
        now: Now,
    ) -> ReviewPublic:
        row = await reviews.review(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return ReviewPublic.model_validate(row)

    @post("/merge", dependencies=AUTH, status_code=200, operation_id="mergeProposal")
    async def merge(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[MergeRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        await reviews.merge(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, proposal_id)

    @post("/split", dependencies=AUTH, operation_id="splitProposal")
    async def split(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[SplitRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        part = await reviews.split(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, part.id or 0)

    @get("/decisions", operation_id="listProposalDecisions")
    async def proposal_decisions(
        self, db_session: DbSession, proposal_id: FromPath[Id]
    ) -> Sequence[AdvancementPublic]:
        rows = await advancement.decisions_of_proposal(db_session, proposal_id=proposal_id)
        return [AdvancementPublic.model_validate(r) for r in rows]


class RoundDeliberationController(Controller):
    """A round's deliberation rounds: listed, and created by its officials."""

    path = "/rounds/{round_id:int}/deliberation-rounds"
    tags = ("deliberation",)

    @get("/", operation_id="listDeliberationRounds")
    async def list_stages(self, db_session: DbSession, round_id: FromPath[Id]) -> Sequence[StagePublic]:
        return [
            StagePublic.model_validate(s) for s in await stages.list_stages(db_session, round_id=round_id)
        ]

    @post("/", dependencies=AUTH, operation_id="createDeliberationRound")
    async def create_stage(
        self,
        db_session: DbSession,
        round_id: FromPath[Id],
        data: JSONBody[StageCreate],
        principal: Caller,
        now: Now,
    ) -> StagePublic:
        stage = await stages.create_stage(db_session, round_id=round_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)


class DeliberationRoundController(Controller):
    """One deliberation round: moved or deleted before it closes; closing it decides which proposals advance."""

    path = "/deliberation-rounds/{stage_id:int}"
    tags = ("deliberation",)

    @patch("/", dependencies=AUTH, operation_id="updateDeliberationRound")
    async def update_stage(
        self, db_session: DbSession, stage_id: FromPath[Id], data: JSONBody[StageUpdate], principal: Caller,
        now: Now,
    ) -> StagePublic:
        stage = await stages.update_stage(db_session, stage_id=stage_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)

    @delete("/", dependencies=AUTH, operation_id="deleteDeliberationRound")
    async def delete_stage(self, db_session: DbSession, stage_id: FromPath[Id], principal: Caller, now: Now) -> None:
        await stages.delete_stage(db_session, stage_id=stage_id, actor=principal, now=now)

    @post("/close", dependencies=AUTH, status_code=200, operation_id="closeDeliberationRound")
    async def close(
        self, db_session: DbSession, stage_id: FromPath[Id], principal: Caller, now: Now,
        data: JSONBody[StageClose | None] = None,
    ) -> Sequence[AdvancementPublic]:
        early = data.early if data is not None else False
        rows = await advancement.close_stage(db_session, stage_id=stage_id, actor=principal, now=now, early=early)
        return [AdvancementPublic.model_validate(r) for r in rows]

    @get("/decisions", operation_id="listDeliberationRoundDecisions")
    async def decisions(self, db_session: DbSession, stage_id: FromPath[Id]) -> Sequence[AdvancementPublic]:
        rows = await advancement.decisions_of_stage(db_session, stage_id=stage_id)
        return [AdvancementPublic.model_validate(r) for r in rows]
