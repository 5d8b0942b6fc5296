"""Discussion of a proposal: threaded comments, questions to the municipality and its official answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.proposals.deliberation_schemas import AnswerCreate, CommentCreate, CommentPublic, QuestionCreate
from pb.proposals.models import CommentKind, Proposal, ProposalComment, ProposalStatus
from pb.proposals.participants import Participant, public_label
from pb.proposals.service import get_proposal, round_of
from pb.proposals.stages import open_stage

OFFICIAL_LABEL = "official"


async def add_comment(
    session: AsyncSession, *, proposal_id: int, data: CommentCreate, who: Participant, now: datetime
) -> ProposalComment:
    proposal = await _discussable(session, proposal_id, now)
    if data.parent_id is not None:
        parent = await get_comment(session, data.parent_id)
        if parent.proposal_id != proposal_id:
            raise InvalidInput("the comment replied to belongs to another proposal", field="parent_id")
    return await _add(
        session,
        proposal,
        CommentKind.COMMENT,
        data.body,
        who,
        now,
        parent_id=data.parent_id,
        name=data.public_name,
        show_name=data.show_name,
    )


async def ask_question(
    session: AsyncSession, *, proposal_id: int, data: QuestionCreate, who: Participant, now: datetime
) -> ProposalComment:
    proposal = await _discussable(session, proposal_id, now)
    return await _add(
        session,
        proposal,
        CommentKind.QUESTION,
        data.body,
        who,
        now,
        parent_id=None,
        name=data.public_name,
        show_name=data.show_name,
    )


async def answer_question(
    session: AsyncSession, *, question_id: int, data: AnswerCreate, actor: Principal, now: datetime
) -> ProposalComment:
    """An official answers for the municipality; the answer is marked official and audited."""
    question = await get_comment(session, question_id)
    proposal = await get_proposal(session, question.proposal_id)
    ensure_manages_municipality(actor, (await round_of(session, proposal)).municipality_id)
    if question.kind != CommentKind.QUESTION.value:
        raise InvalidInput("only questions get official answers", field="question_id")
    answer = ProposalComment(
        proposal_id=proposal.id or 0,
        parent_id=question.id,
        kind=CommentKind.ANSWER.value,
        body=data.body,
        author_key=actor.actor[:64],
        label=OFFICIAL_LABEL,
        official=True,
        created_at=now,
    )
    session.add(answer)
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="proposal.answer",
        target=f"comment:{answer.id}",
        now=now,
        details={"proposal_id": proposal.id, "question_id": question.id},
    )
    return answer


async def _discussable(session: AsyncSession, proposal_id: int, now: datetime) -> Proposal:
    proposal = await get_proposal(session, proposal_id)
    await open_stage(session, await round_of(session, proposal), now)
    if proposal.hidden_at is not None or proposal.status == ProposalStatus.MERGED.value:
        raise Conflict("this proposal is not open for discussion", field="proposal_id")
    return proposal


async def _add(
    session: AsyncSession,
    proposal: Proposal,
    kind: CommentKind,
    body: str,
    who: Participant,
    now: datetime,
    *,
    parent_id: int | None,
    name: str | None,
    show_name: bool,
) -> ProposalComment:
    if not (who.is_resident or who.network_id is not None):
        raise Forbidden("officials answer questions; comments come from residents and coordinators")
    comment = ProposalComment(
        proposal_id=proposal.id or 0,
        parent_id=parent_id,
        kind=kind.value,
        body=body,
        author_key=who.key,
        label=public_label(who, proposal.id or 0, name=name, show_name=show_name),
        created_at=now,
    )
    session.add(comment)
    await session.flush()
    return comment


async def get_comment(session: AsyncSession, comment_id: int) -> ProposalComment:
    comment = await session.get(ProposalComment, comment_id)
    if comment is None:
        raise NotFound("comment %(comment_id)s does not exist", field="parent_id", comment_id=comment_id)
    return comment


async def thread(session: AsyncSession, *, proposal_id: int) -> list[CommentPublic]:
    """The proposal's discussion as a tree, oldest first; hidden comments keep their place without text."""
    await get_proposal(session, proposal_id)
    query = select(ProposalComment).where(ProposalComment.proposal_id == proposal_id)
    rows = (await session.exec(query.order_by(col(ProposalComment.id)))).all()
    nodes: dict[int, CommentPublic] = {}
    roots: list[CommentPublic] = []
    for row in rows:
        node = comment_view(row)
        nodes[node.id] = node
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        (parent.replies if parent is not None else roots).append(node)
    return roots


def comment_view(row: ProposalComment) -> CommentPublic:
    hidden = row.hidden_at is not None
    return CommentPublic(
        id=row.id or 0,
        proposal_id=row.proposal_id,
        parent_id=row.parent_id,
        kind=row.kind,
        body="" if hidden else row.body,
        label="" if hidden else row.label,
        official=row.official,
        hidden=hidden,
        created_at=row.created_at,
    )
