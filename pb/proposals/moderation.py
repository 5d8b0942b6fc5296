"""Moderation: officials hide proposals and comments with a reason their authors see, show them again with a
reason, and resolve residents' reports of content.

Hidden content stays stored. Every hide and unhide is kept in ``moderation_action`` (the history authors
see), and every hide, unhide, report and resolution is written to the audit log. Hiding content resolves the
open reports about it (outcome ``hidden``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import overload

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.core.models import Role
from pb.proposals.access import ensure_moderates
from pb.proposals.deliberation_schemas import ReportCreate, ReportState, ResolveRequest
from pb.proposals.discussion import get_comment
from pb.proposals.models import (
    ContentReport,
    ModerationAction,
    ModerationKind,
    Proposal,
    ProposalAuthor,
    ProposalComment,
    ReportOutcome,
)
from pb.proposals.participants import Participant
from pb.proposals.schemas import ModerationEntry, ModerationState
from pb.proposals.service import get_proposal
from pb.rounds.service import get_round


class NotHidden(Conflict):
    code = "not_hidden"
    title = "The content is not hidden"


class ReportResolved(Conflict):
    code = "report_resolved"
    title = "The report is already resolved"


@overload
async def set_hidden(
    session: AsyncSession, *, proposal_id: int, hidden: bool, reason: str, actor: Principal, now: datetime
) -> Proposal: ...


@overload
async def set_hidden(
    session: AsyncSession, *, comment_id: int, hidden: bool, reason: str, actor: Principal, now: datetime
) -> ProposalComment: ...


async def set_hidden(
    session: AsyncSession,
    *,
    proposal_id: int | None = None,
    comment_id: int | None = None,
    hidden: bool,
    reason: str,
    actor: Principal,
    now: datetime,
) -> Proposal | ProposalComment:
    """Hide a proposal or a comment (give one id), or show it again (``hidden=False``)."""
    content: Proposal | ProposalComment
    if comment_id is not None:
        content = await get_comment(session, comment_id)
        proposal_id = content.proposal_id
        await ensure_moderates(session, actor, await get_proposal(session, proposal_id))
    elif proposal_id is not None:
        content = await get_proposal(session, proposal_id)
        await ensure_moderates(session, actor, content)
    else:
        raise TypeError("set_hidden needs a proposal_id or a comment_id")
    await _set_hidden(session, content, proposal_id=proposal_id, comment_id=comment_id, hidden=hidden,
                      reason=reason, actor=actor, now=now)
    return content


async def _set_hidden(
    session: AsyncSession,
    content: Proposal | ProposalComment,
    *,
    proposal_id: int,
    comment_id: int | None,
    hidden: bool,
    reason: str,
    actor: Principal,
    now: datetime,
) -> None:
    kind = "proposal" if comment_id is None else "comment"
    if hidden and content.hidden_at is not None:
        raise Conflict("this %(kind)s is already hidden", kind=kind)
    if not hidden and content.hidden_at is None:
        raise NotHidden("this %(kind)s is not hidden", kind=kind)
    details: dict[str, object] = {"reason": reason}
    if hidden:
        content.hidden_at, content.hidden_reason = now, reason
    else:
        details["hidden_reason"] = content.hidden_reason
        content.hidden_at, content.hidden_reason = None, None
    session.add(content)
    move = ModerationKind.HIDE if hidden else ModerationKind.UNHIDE
    session.add(
        ModerationAction(
            proposal_id=proposal_id, comment_id=comment_id, action=move.value, reason=reason, created_at=now
        )
    )
    if hidden:
        details["resolved_reports"] = await _resolve_open_reports(
            session, proposal_id=proposal_id, comment_id=comment_id, reason=reason, now=now
        )
    if comment_id is not None:
        details["proposal_id"] = proposal_id
    await audit.record(
        session,
        actor=actor.actor,
        action=f"moderation.{move.value}",
        target=f"{kind}:{comment_id if comment_id is not None else proposal_id}",
        now=now,
        details=details,
    )


async def _resolve_open_reports(
    session: AsyncSession, *, proposal_id: int, comment_id: int | None, reason: str, now: datetime
) -> list[int]:
    """Resolve the open reports about exactly this content as hidden; returns their ids."""
    query = select(ContentReport).where(
        ContentReport.proposal_id == proposal_id,
        col(ContentReport.comment_id).is_(None) if comment_id is None else ContentReport.comment_id == comment_id,
        col(ContentReport.resolved_at).is_(None),
    )
    resolved = []
    for row in (await session.exec(query.order_by(col(ContentReport.id)))).all():
        row.resolved_at, row.outcome, row.resolution = now, ReportOutcome.HIDDEN.value, reason
        session.add(row)
        resolved.append(row.id or 0)
    return resolved


async def get_report(session: AsyncSession, report_id: int) -> ContentReport:
    row = await session.get(ContentReport, report_id)
    if row is None:
        raise NotFound("report %(report_id)s does not exist", report_id=report_id)
    return row


async def resolve_report(
    session: AsyncSession, *, report_id: int, data: ResolveRequest, actor: Principal, now: datetime
) -> ContentReport:
    """Close a report with its outcome; ``hidden`` hides the reported content unless it is hidden already."""
    row = await get_report(session, report_id)
    proposal = await get_proposal(session, row.proposal_id)
    await ensure_moderates(session, actor, proposal)
    if row.resolved_at is not None:
        raise ReportResolved(
            "report %(report_id)s was resolved as %(outcome)s",
            report_id=report_id, outcome=row.outcome,
        )
    row.resolved_at, row.outcome, row.resolution = now, data.outcome.value, data.reason
    session.add(row)
    await audit.record(
        session,
        actor=actor.actor,
        action="moderation.resolve",
        target=f"report:{report_id}",
        now=now,
        details={
            "outcome": data.outcome.value,
            "reason": data.reason,
            "proposal_id": row.proposal_id,
            "comment_id": row.comment_id,
        },
    )
    if data.outcome is ReportOutcome.HIDDEN:
        content: Proposal | ProposalComment = (
            proposal if row.comment_id is None else await get_comment(session, row.comment_id)
        )
        if content.hidden_at is None:
            await _set_hidden(
                session,
                content,
                proposal_id=row.proposal_id,
                comment_id=row.comment_id,
                hidden=True,
                reason=data.reason,
                actor=actor,
                now=now,
            )
    return row


async def report(
    session: AsyncSession, *, proposal_id: int, data: ReportCreate, who: Participant, now: datetime
) -> ContentReport:
    await get_proposal(session, proposal_id)
    if not who.is_resident:
        raise Forbidden("reports come from residents; moderators hide content directly")
    if data.comment_id is not None and (await get_comment(session, data.comment_id)).proposal_id != proposal_id:
        raise InvalidInput("the comment belongs to another proposal", field="comment_id")
    row = ContentReport(
        proposal_id=proposal_id,
        comment_id=data.comment_id,
        reporter_key=who.key,
        reason=data.reason,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=who.actor,
        action="moderation.report",
        target=f"proposal:{proposal_id}",
        now=now,
        details={"report_id": row.id, "comment_id": data.comment_id},
    )
    return row


async def reports_of_round(
    session: AsyncSession, *, round_id: int, actor: Principal, state: ReportState | None = None
) -> Sequence[ContentReport]:
    """The round's reports, oldest first; only the open or only the resolved ones when ``state`` says so."""
    ensure_manages_municipality(actor, (await get_round(session, round_id)).municipality_id)
    query = (
        select(ContentReport)
        .join(Proposal, col(Proposal.id) == col(ContentReport.proposal_id))
        .where(Proposal.round_id == round_id)
    )
    if state is ReportState.OPEN:
        query = query.where(col(ContentReport.resolved_at).is_(None))
    elif state is ReportState.RESOLVED:
        query = query.where(col(ContentReport.resolved_at).is_not(None))
    return (await session.exec(query.order_by(col(ContentReport.id)))).all()


async def moderation_state(session: AsyncSession, *, proposal_id: int, who: Participant) -> ModerationState:
    """Hidden content and the reasons: for the content's authors, and for moderators."""
    proposal = await get_proposal(session, proposal_id)
    moderator = who.role in (Role.OFFICIAL, Role.ADMIN)
    if moderator:
        await ensure_moderates(session, who.principal, proposal)
    query = select(ProposalAuthor).where(
        ProposalAuthor.proposal_id == proposal_id, ProposalAuthor.author_key == who.key
    )
    is_author = moderator or (await session.exec(query)).first() is not None
    comments = select(ProposalComment).where(
        ProposalComment.proposal_id == proposal_id, col(ProposalComment.hidden_at).is_not(None)
    )
    if not moderator:
        comments = comments.where(ProposalComment.author_key == who.key)
    hidden = {c.id or 0: c.hidden_reason or "" for c in (await session.exec(comments)).all()}
    return ModerationState(
        proposal_id=proposal_id,
        hidden=proposal.hidden_at is not None,
        hidden_reason=proposal.hidden_reason if is_author else None,
        hidden_comments=hidden,
        history=await _history(session, proposal_id=proposal_id, who=who, moderator=moderator, is_author=is_author),
    )


async def _history(
    session: AsyncSession, *, proposal_id: int, who: Participant, moderator: bool, is_author: bool
) -> list[ModerationEntry]:
    """Hides and unhides the caller may see: all for moderators; the proposal's own for its authors; those of
    the caller's own comments for everyone."""
    query = select(ModerationAction).where(ModerationAction.proposal_id == proposal_id)
    if not moderator:
        own_comments = select(ProposalComment.id).where(
            ProposalComment.proposal_id == proposal_id, ProposalComment.author_key == who.key
        )
        mine = col(ModerationAction.comment_id).in_(own_comments)
        query = query.where((col(ModerationAction.comment_id).is_(None) | mine) if is_author else mine)
    rows = (await session.exec(query.order_by(col(ModerationAction.created_at), col(ModerationAction.id)))).all()
    return [ModerationEntry.model_validate(r) for r in rows]
