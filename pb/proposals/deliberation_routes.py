"""HTTP routes of deliberation for officials and coordinators: reviews, merges and splits, deliberation rounds."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from pb.auth.principal import MANAGERS, NETWORK_STAFF
from pb.http.dependencies import Caller, DbSession, Id, Now, only
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
    opt = only(NETWORK_STAFF)
    tags = ("reviews",)

    @get("/reviews", operation_id="listReviews", summary="List a proposal's reviews")
    async def reviews(self, db_session: DbSession, proposal_id: FromPath[Id]) -> Sequence[ReviewPublic]:
        """Officials' feasibility reviews of the proposal, with their reasons and cost estimates. No sign-in needed."""
        rows = await reviews.reviews_of(db_session, proposal_id=proposal_id)
        return [ReviewPublic.model_validate(r) for r in rows]

    @post("/reviews", dependencies=AUTH, operation_id="reviewProposal", summary="Review a proposal")
    async def review(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[ReviewCreate],
        principal: Caller,
        now: Now,
    ) -> ReviewPublic:
        """An official of the municipality records a feasibility decision on the proposal with its reasons, and for a
        feasible one a binding cost estimate in cents."""
        row = await reviews.review(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return ReviewPublic.model_validate(row)

    @post("/merge", dependencies=AUTH, status_code=200, operation_id="mergeProposal", summary="Merge proposals")
    async def merge(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[MergeRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        """Officials merge other proposals (`sources`) into this one, with a note: their authors join it, their
        supports move here (one per person), and their history stays."""
        await reviews.merge(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, proposal_id)

    @post("/split", dependencies=AUTH, operation_id="splitProposal", summary="Split a proposal")
    async def split(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[SplitRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        """Officials split a part of this proposal off into a new proposal by the same authors, with a note; the new
        one starts without supports."""
        part = await reviews.split(db_session, proposal_id=proposal_id, data=data, actor=principal, now=now)
        return await service.view(db_session, part.id or 0)

    @get("/decisions", operation_id="listProposalDecisions", summary="List a proposal's advancement decisions")
    async def proposal_decisions(
        self, db_session: DbSession, proposal_id: FromPath[Id]
    ) -> Sequence[AdvancementPublic]:
        """Each deliberation round's decision on the proposal (advanced to the ballot or not) and why. No sign-in
        needed."""
        rows = await advancement.decisions_of_proposal(db_session, proposal_id=proposal_id)
        return [AdvancementPublic.model_validate(r) for r in rows]


class RoundDeliberationController(Controller):
    """A round's deliberation rounds: listed, and created by its officials."""

    path = "/rounds/{round_id:int}/deliberation-rounds"
    opt = only(MANAGERS)
    tags = ("deliberation",)

    @get("/", operation_id="listDeliberationRounds", summary="List a round's deliberation rounds")
    async def list_stages(self, db_session: DbSession, round_id: FromPath[Id]) -> Sequence[StagePublic]:
        """The deliberation rounds in which proposals are weighed before the ballot: when each runs, its advancement
        rule and whether it is closed. No sign-in needed."""
        return [
            StagePublic.model_validate(s) for s in await stages.list_stages(db_session, round_id=round_id)
        ]

    @post("/", dependencies=AUTH, operation_id="createDeliberationRound", summary="Open a deliberation round")
    async def create_stage(
        self,
        db_session: DbSession,
        round_id: FromPath[Id],
        data: JSONBody[StageCreate],
        principal: Caller,
        now: Now,
    ) -> StagePublic:
        """Officials add a deliberation round to a round: its names, its window (`starts_at`, `ends_at`), the rule by
        which proposals advance, and whether it is the last one before the ballot. Audited."""
        stage = await stages.create_stage(db_session, round_id=round_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)


class DeliberationRoundController(Controller):
    """One deliberation round: moved or deleted before it closes; closing it decides which proposals advance."""

    path = "/deliberation-rounds/{stage_id:int}"
    opt = only(MANAGERS)
    tags = ("deliberation",)

    @patch("/", dependencies=AUTH, operation_id="updateDeliberationRound",
           summary="Move or change a deliberation round")
    async def update_stage(
        self, db_session: DbSession, stage_id: FromPath[Id], data: JSONBody[StageUpdate], principal: Caller,
        now: Now,
    ) -> StagePublic:
        """Officials move or rename a deliberation round that has not closed; fields left out keep their values.
        Audited."""
        stage = await stages.update_stage(db_session, stage_id=stage_id, data=data, actor=principal, now=now)
        return StagePublic.model_validate(stage)

    @delete("/", dependencies=AUTH, operation_id="deleteDeliberationRound", summary="Delete a deliberation round")
    async def delete_stage(self, db_session: DbSession, stage_id: FromPath[Id], principal: Caller, now: Now) -> None:
        """Officials delete a deliberation round that has not closed, such as one created by mistake; later rounds move
        up a number. Audited."""
        await stages.delete_stage(db_session, stage_id=stage_id, actor=principal, now=now)

    @post("/close", dependencies=AUTH, status_code=200, operation_id="closeDeliberationRound",
          summary="Close a deliberation round")
    async def close(
        self, db_session: DbSession, stage_id: FromPath[Id], principal: Caller, now: Now,
        data: JSONBody[StageClose | None] = None,
    ) -> Sequence[AdvancementPublic]:
        """Officials close a deliberation round and its rule decides on every proposal; `early: true` closes it before
        its window ends. Closing the last one puts the advancing proposals on their budgets' ballots. Audited."""
        early = data.early if data is not None else False
        rows = await advancement.close_stage(db_session, stage_id=stage_id, actor=principal, now=now, early=early)
        return [AdvancementPublic.model_validate(r) for r in rows]

    @get("/decisions", operation_id="listDeliberationRoundDecisions", summary="List a deliberation round's decisions")
    async def decisions(self, db_session: DbSession, stage_id: FromPath[Id]) -> Sequence[AdvancementPublic]:
        """Which proposals advanced in this deliberation round, and why. No sign-in needed."""
        rows = await advancement.decisions_of_stage(db_session, stage_id=stage_id)
        return [AdvancementPublic.model_validate(r) for r in rows]
