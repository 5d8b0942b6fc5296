"""HTTP routes for officials and coordinators: reviews, merges and splits, deliberation rounds, moderation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from pb.http.dependencies import Caller, DbSession, Now
from pb.proposals import advancement, moderation, reviews, service, stages
from pb.proposals.deliberation_schemas import (
    AdvancementPublic,
    CommentPublic,
    HideRequest,
    MergeRequest,
    ReportPublic,
    ReportState,
    ResolveRequest,
    ReviewCreate,
    ReviewPublic,
    SplitRequest,
    StageClose,
    StageCreate,
    StagePublic,
    StageUpdate,
)
from pb.proposals.dependencies import AUTH
from pb.proposals.discussion import comment_view
from pb.proposals.schemas import ProposalPublic


class ReviewController(Controller):
    tags = ("reviews",)

    @get("/proposals/{proposal_id:int}/reviews")
    async def reviews(self, db_session: DbSession, proposal_id: FromPath[int]) -> Sequence[ReviewPublic]:
        rows = await reviews.reviews_of(db_session, proposal_id=proposal_id)
        return [ReviewPublic.model_validate(r) for r in rows]

    @post("/proposals/{proposal_id:int}/reviews", dependencies=AUTH)
    async def review(
        self,
        db_session: DbSession,
        proposal_id: FromPath[int],
        data: JSONBody[ReviewCreate],
        principal: Caller,
        now: Now,
    ) -> ReviewPublic:
        row = await reviews.review(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return ReviewPublic.model_validate(row)

    @post("/proposals/{proposal_id:int}/merge", dependencies=AUTH, status_code=200)
    async def merge(
        self,
        db_session: DbSession,
        proposal_id: FromPath[int],
        data: JSONBody[MergeRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        await reviews.merge(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, proposal_id)

    @post("/proposals/{proposal_id:int}/split", dependencies=AUTH)
    async def split(
        self,
        db_session: DbSession,
        proposal_id: FromPath[int],
        data: JSONBody[SplitRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        part = await reviews.split(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, part.id or 0)

    @get("/proposals/{proposal_id:int}/decisions")
    async def proposal_decisions(
        self, db_session: DbSession, proposal_id: FromPath[int]
    ) -> Sequence[AdvancementPublic]:
        rows = await advancement.decisions_of_proposal(db_session, proposal_id=proposal_id)
        return [AdvancementPublic.model_validate(r) for r in rows]


class DeliberationRoundController(Controller):
    tags = ("deliberation",)

    @get("/rounds/{round_id:int}/deliberation-rounds")
    async def list_stages(self, db_session: DbSession, round_id: FromPath[int]) -> Sequence[StagePublic]:
        return [
            StagePublic.model_validate(s) for s in await stages.list_stages(db_session, round_id=round_id)
        ]

    @post("/rounds/{round_id:int}/deliberation-rounds", dependencies=AUTH)
    async def create_stage(
        self,
        db_session: DbSession,
        round_id: FromPath[int],
        data: JSONBody[StageCreate],
        principal: Caller,
        now: Now,
    ) -> StagePublic:
        stage = await stages.create_stage(db_session, round_id=round_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)

    @patch("/deliberation-rounds/{stage_id:int}", dependencies=AUTH)
    async def update_stage(
        self, db_session: DbSession, stage_id: FromPath[int], data: JSONBody[StageUpdate], principal: Caller,
        now: Now,
    ) -> StagePublic:
        stage = await stages.update_stage(db_session, stage_id=stage_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)

    @delete("/deliberation-rounds/{stage_id:int}", dependencies=AUTH)
    async def delete_stage(self, db_session: DbSession, stage_id: FromPath[int], principal: Caller, now: Now) -> None:
        await stages.delete_stage(db_session, stage_id=stage_id, actor=principal, now=now)

    @post("/deliberation-rounds/{stage_id:int}/close", dependencies=AUTH, status_code=200)
    async def close(
        self, db_session: DbSession, stage_id: FromPath[int], principal: Caller, now: Now,
        data: JSONBody[StageClose | None] = None,
    ) -> Sequence[AdvancementPublic]:
        early = data.early if data is not None else False
        rows = await advancement.close_stage(db_session, stage_id=stage_id, actor=principal, now=now, early=early)
        return [AdvancementPublic.model_validate(r) for r in rows]

    @get("/deliberation-rounds/{stage_id:int}/decisions")
    async def decisions(self, db_session: DbSession, stage_id: FromPath[int]) -> Sequence[AdvancementPublic]:
        rows = await advancement.decisions_of_stage(db_session, stage_id=stage_id)
        return [AdvancementPublic.model_validate(r) for r in rows]


class ModerationController(Controller):
    tags = ("moderation",)

    @post("/proposals/{proposal_id:int}/hide", dependencies=AUTH, status_code=200)
    async def hide_proposal(
        self,
        db_session: DbSession,
        proposal_id: FromPath[int],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        await moderation.hide_proposal(
            db_session, proposal_id=proposal_id, reason=data.reason, actor=principal, now=now
        )
        return await service.view(db_session, proposal_id)

    @post("/comments/{comment_id:int}/hide", dependencies=AUTH, status_code=200)
    async def hide_comment(
        self,
        db_session: DbSession,
        comment_id: FromPath[int],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> CommentPublic:
        row = await moderation.hide_comment(
            db_session, comment_id=comment_id, reason=data.reason, actor=principal, now=now
        )
        return comment_view(row)

    @post("/proposals/{proposal_id:int}/unhide", dependencies=AUTH, status_code=200)
    async def unhide_proposal(
        self,
        db_session: DbSession,
        proposal_id: FromPath[int],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        await moderation.unhide_proposal(
            db_session, proposal_id=proposal_id, reason=data.reason, actor=principal, now=now
        )
        return await service.view(db_session, proposal_id)

    @post("/comments/{comment_id:int}/unhide", dependencies=AUTH, status_code=200)
    async def unhide_comment(
        self,
        db_session: DbSession,
        comment_id: FromPath[int],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> CommentPublic:
        row = await moderation.unhide_comment(
            db_session, comment_id=comment_id, reason=data.reason, actor=principal, now=now
        )
        return comment_view(row)

    @get("/rounds/{round_id:int}/reports", dependencies=AUTH)
    async def reports(
        self,
        db_session: DbSession,
        round_id: FromPath[int],
        principal: Caller,
        report_state: Annotated[ReportState | None, QueryParameter(name="state")] = None,
    ) -> Sequence[ReportPublic]:
        rows = await moderation.reports_of_round(
            db_session, round_id=round_id, actor=principal, state=report_state
        )
        return [ReportPublic.model_validate(r) for r in rows]

    @post("/reports/{report_id:int}/resolve", dependencies=AUTH, status_code=200)
    async def resolve(
        self,
        db_session: DbSession,
        report_id: FromPath[int],
        data: JSONBody[ResolveRequest],
        principal: Caller,
        now: Now,
    ) -> ReportPublic:
        row = await moderation.resolve_report(db_session, report_id=report_id, data=data, actor=principal, now=now)
        return ReportPublic.model_validate(row)
