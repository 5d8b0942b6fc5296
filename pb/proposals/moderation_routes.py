"""HTTP routes of moderation for officials: hiding and showing proposals and comments, and residents' reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from pb.auth.principal import MANAGERS
from pb.http.dependencies import Caller, DbSession, Id, Now, only
from pb.proposals import moderation, service
from pb.proposals.deliberation_schemas import (
    CommentPublic,
    HideRequest,
    ReportPublic,
    ReportState,
    ResolveRequest,
)
from pb.proposals.dependencies import AUTH
from pb.proposals.discussion import comment_view
from pb.proposals.schemas import ProposalPublic

HIDE, SHOW = {"hidden": True}, {"hidden": False}
"""The ``opt`` of the hide and unhide routes: one handler serves both, told apart by its route."""


def _hidden(request: Request[Any, Any, Any]) -> bool:
    return bool(request.route_handler.opt["hidden"])


class ProposalModerationController(Controller):
    path = "/proposals/{proposal_id:int}"
    opt = only(MANAGERS)
    tags = ("moderation",)

    async def _set_hidden(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        proposal_id: FromPath[Id],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> ProposalPublic:
        await moderation.set_hidden(db_session, proposal_id=proposal_id, hidden=_hidden(request), reason=data.reason,
                                    actor=principal, now=now)
        return await service.view(db_session, proposal_id)

    hide = post(
        "/hide", dependencies=AUTH, status_code=200, opt=HIDE, operation_id="hideProposal",
        summary="Hide a proposal",
        description=(
            "The municipality's officials hide a proposal that breaks the rules; its author sees the reason "
            "given. Audited."
        ),
    )(_set_hidden)
    unhide = post(
        "/unhide", dependencies=AUTH, status_code=200, opt=SHOW, operation_id="unhideProposal",
        summary="Show a hidden proposal again",
        description=(
            "The municipality's officials show a proposal they had hidden, with a reason its author sees. "
            "Audited."
        ),
    )(_set_hidden)


class CommentModerationController(Controller):
    path = "/comments/{comment_id:int}"
    opt = only(MANAGERS)
    tags = ("moderation",)

    async def _set_hidden(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        comment_id: FromPath[Id],
        data: JSONBody[HideRequest],
        principal: Caller,
        now: Now,
    ) -> CommentPublic:
        row = await moderation.set_hidden(db_session, comment_id=comment_id, hidden=_hidden(request),
                                          reason=data.reason, actor=principal, now=now)
        return comment_view(row)

    hide = post(
        "/hide", dependencies=AUTH, status_code=200, opt=HIDE, operation_id="hideComment",
        summary="Hide a comment",
        description=(
            "The municipality's officials hide a comment that breaks the rules; the discussion shows that it was "
            "hidden and its author sees the reason. Audited."
        ),
    )(_set_hidden)
    unhide = post(
        "/unhide", dependencies=AUTH, status_code=200, opt=SHOW, operation_id="unhideComment",
        summary="Show a hidden comment again",
        description=(
            "The municipality's officials show a comment they had hidden, with a reason its author sees. Audited."
        ),
    )(_set_hidden)


class RoundReportController(Controller):
    """Residents' reports of content in a round, for its officials."""

    path = "/rounds/{round_id:int}/reports"
    opt = only(MANAGERS)
    tags = ("moderation",)

    @get("/", dependencies=AUTH, operation_id="listReports", summary="List reports of content")
    async def reports(
        self,
        db_session: DbSession,
        round_id: FromPath[Id],
        principal: Caller,
        report_state: Annotated[ReportState | None, QueryParameter(name="state")] = None,
    ) -> Sequence[ReportPublic]:
        """Residents' reports of proposals and comments in the round, oldest first, for its officials."""
        rows = await moderation.reports_of_round(
            db_session, round_id=round_id, actor=principal, state=report_state
        )
        return [ReportPublic.model_validate(r) for r in rows]


class ReportController(Controller):
    path = "/reports/{report_id:int}"
    opt = only(MANAGERS)
    tags = ("moderation",)

    @post("/resolve", dependencies=AUTH, status_code=200, operation_id="resolveReport", summary="Resolve a report")
    async def resolve(
        self,
        db_session: DbSession,
        report_id: FromPath[Id],
        data: JSONBody[ResolveRequest],
        principal: Caller,
        now: Now,
    ) -> ReportPublic:
        """An official closes a report of content: `hidden` hides the content (with the reason its author sees),
        `no_action` leaves it as it is."""
        row = await moderation.resolve_report(db_session, report_id=report_id, data=data, actor=principal, now=now)
        return ReportPublic.model_validate(row)
