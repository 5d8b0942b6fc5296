"""HTTP routes for proposals: submitting, revising, reading, history, finding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from pb.core.schemas import Language
from pb.http.dependencies import DbSession, Id, Now, Offset, OptionalId
from pb.proposals import moderation, search, service
from pb.proposals.dependencies import PARTICIPANT, Who
from pb.proposals.models import ProposalStatus
from pb.proposals.schemas import (
    ModerationState,
    ProposalCreate,
    ProposalPage,
    ProposalPublic,
    ProposalUpdate,
    VersionPublic,
)

Lat = Annotated[float | None, QueryParameter(ge=-90, le=90)]
Lon = Annotated[float | None, QueryParameter(ge=-180, le=180)]


class ProposalController(Controller):
    path = "/proposals"
    tags = ("proposals",)

    @post("/", dependencies=PARTICIPANT, operation_id="submitProposal", summary="Send a proposal")
    async def submit(
        self, db_session: DbSession, data: JSONBody[ProposalCreate], who: Who, now: Now
    ) -> ProposalPublic:
        """A signed-in resident who may take part in the round (or an official) proposes a project while the round
        takes proposals: the budget it is for, its title and description, a theme, optionally a place and the
        proposers' cost estimate in cents."""
        proposal = await service.submit_proposal(db_session, data=data, who=who, now=now)
        return await service.view(db_session, proposal.id or 0)

    @get("/", operation_id="findProposals", summary="Find proposals")
    async def find(
        self,
        db_session: DbSession,
        round_id: FromQuery[OptionalId] = None,
        budget_id: FromQuery[OptionalId] = None,
        network_id: FromQuery[OptionalId] = None,
        theme: FromQuery[str | None] = None,
        status: FromQuery[ProposalStatus | None] = None,
        q: Annotated[str | None, QueryParameter(max_length=200)] = None,
        lang: FromQuery[Language | None] = None,
        min_lat: Lat = None,
        min_lon: Lon = None,
        max_lat: Lat = None,
        max_lon: Lon = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: FromQuery[Offset] = 0,
    ) -> ProposalPage:
        """Search and list proposals: by round, budget, network, theme and status, with full-text search in fi, sv or
        en (`q`, `lang`), paged with `limit` and `offset`. Hidden proposals are left out. No sign-in needed."""
        where = search.ProposalFilter(
            round_id=round_id,
            budget_id=budget_id,
            network_id=network_id,
            theme=theme,
            status=status,
            bbox=search.bounding_box(min_lat, min_lon, max_lat, max_lon),
            q=q,
            lang=lang,
        )
        rows, total = await search.find(db_session, where=where, limit=limit, offset=offset)
        return ProposalPage(
            items=await service.views(db_session, rows), total=total, limit=limit, offset=offset
        )

    @get("/{proposal_id:int}", operation_id="getProposal", summary="Get a proposal")
    async def get_proposal(self, db_session: DbSession, proposal_id: FromPath[Id]) -> ProposalPublic:
        """One proposal with its latest version, status, support count and themes. No sign-in needed."""
        return await service.view(db_session, proposal_id)

    @patch("/{proposal_id:int}", dependencies=PARTICIPANT, operation_id="reviseProposal", summary="Revise a proposal")
    async def revise(
        self,
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[ProposalUpdate],
        who: Who,
        now: Now,
    ) -> ProposalPublic:
        """Its author (or an official) changes a proposal while it can still change, with a note saying what changed
        and why; every revision is kept (`GET /proposals/{proposal_id}/history`)."""
        await service.update_proposal(db_session, proposal_id=proposal_id, data=data, who=who, now=now)
        return await service.view(db_session, proposal_id)

    @get("/{proposal_id:int}/history", operation_id="getProposalHistory", summary="List a proposal's versions")
    async def history(self, db_session: DbSession, proposal_id: FromPath[Id]) -> Sequence[VersionPublic]:
        """Every version of the proposal, oldest first, as its author and the officials changed it.
        No sign-in needed."""
        return [
            VersionPublic.model_validate(v)
            for v in await service.history(db_session, proposal_id=proposal_id)
        ]

    @get("/{proposal_id:int}/moderation", dependencies=PARTICIPANT, operation_id="getProposalModeration",
         summary="See a proposal's moderation state")
    async def moderation_state(
        self, db_session: DbSession, proposal_id: FromPath[Id], who: Who
    ) -> ModerationState:
        """Which parts of the proposal are hidden and the reasons given, for the content's authors and for
        moderators."""
        return await moderation.moderation_state(db_session, proposal_id=proposal_id, who=who)
