"""Moderation: officials hide proposals and comments with a reason their authors see; residents report
content.

Hidden content stays stored; every hide and every report is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb import audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.models import Role
from pb.proposals.access import ensure_moderates
from pb.proposals.deliberation_schemas import ReportCreate
from pb.proposals.discussion import get_comment
from pb.proposals.models import ContentReport, Proposal, ProposalAuthor, ProposalComment
from pb.proposals.participants import Participant
from pb.proposals.schemas import ModerationState
from pb.proposals.service import get_proposal
from pb.rounds.service import get_round


async def hide_proposal(
    session: AsyncSession, *, proposal_id: int, reason: str, actor: Principal, now: datetime
) -> Proposal:
    proposal = await get_proposal(session, proposal_id)
    await ensure_moderates(session, actor, proposal)
    if proposal.hidden_at is not None:
        raise Conflict("this proposal is already hidden")
    proposal.hidden_at, proposal.hidden_reason = now, reason
    session.add(proposal)
    await audit.record(
        session,
        actor=actor.actor,
        action="moderation.hide",
        target=f"proposal:{proposal_id}",
        now=now,
        details={"reason": reason},
    )
    return proposal


async def hide_comment(
    session: AsyncSession, *, comment_id: int, reason: str, actor: Principal, now: datetime
) -> ProposalComment:
    comment = await get_comment(session, comment_id)
    await ensure_moderates(session, actor, await get_proposal(session, comment.proposal_id))
    if comment.hidden_at is not None:
        raise Conflict("this comment is already hidden")
    comment.hidden_at, comment.hidden_reason = now, reason
    session.add(comment)
    await audit.record(
        session,
        actor=actor.actor,
        action="moderation.hide",
        target=f"comment:{comment_id}",
        now=now,
        details={"reason": reason, "proposal_id": comment.proposal_id},
    )
    return comment


async def report(
    session: AsyncSession, *, proposal_id: int, data: ReportCreate, who: Participant, now: datetime
) -> ContentReport:
    await get_proposal(session, proposal_id)
    if not who.is_resident:
        raise Forbidden("reports come from residents; moderators hide content directly")
    if (
        data.comment_id is not None
        and (await get_comment(session, data.comment_id)).proposal_id != proposal_id
    ):
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
    session: AsyncSession, *, round_id: int, actor: Principal
) -> Sequence[ContentReport]:
    ensure_manages_municipality(actor, (await get_round(session, round_id)).municipality_id)
    query = (
        select(ContentReport)
        .join(Proposal, col(Proposal.id) == col(ContentReport.proposal_id))
        .where(Proposal.round_id == round_id)
    )
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
    )
