"""Official review: feasibility and binding cost, and co-creation by merging and splitting proposals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal
from pb.core.errors import Conflict, InvalidInput, PhaseConflict
from pb.core.models import Phase
from pb.proposals.access import ensure_reviews, reviewer_label
from pb.proposals.deliberation_schemas import MergeRequest, ReviewCreate, SplitRequest
from pb.proposals.models import Proposal, ProposalAuthor, ProposalReview, ProposalStatus, ProposalSupport
from pb.proposals.service import EDITABLE, get_proposal, round_of, snapshot

REVIEW_PHASES = frozenset({Phase.PROPOSALS.value, Phase.DELIBERATION.value})


async def review(
    session: AsyncSession, *, proposal_id: int, data: ReviewCreate, actor: Principal, now: datetime
) -> ProposalReview:
    proposal = await _reviewable(session, proposal_id, actor)
    row = ProposalReview(
        proposal_id=proposal_id,
        decision=data.decision.value,
        reasons=data.reasons.as_dict(),
        cost=data.cost,
        reviewer=reviewer_label(actor),
        created_at=now,
    )
    proposal.feasibility, proposal.official_cost, proposal.updated_at = data.decision.value, data.cost, now
    session.add_all([row, proposal])
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="proposal.review",
        target=f"proposal:{proposal_id}",
        now=now,
        details={"decision": data.decision.value, "cost": data.cost, "review_id": row.id},
    )
    return row


async def reviews_of(session: AsyncSession, *, proposal_id: int) -> Sequence[ProposalReview]:
    await get_proposal(session, proposal_id)
    query = select(ProposalReview).where(ProposalReview.proposal_id == proposal_id)
    return (await session.exec(query.order_by(col(ProposalReview.id)))).all()


async def merge(
    session: AsyncSession, *, proposal_id: int, data: MergeRequest, actor: Principal, now: datetime
) -> Proposal:
    """Merge ``sources`` into this proposal: authors join it, supports move (one per person), history
    stays."""
    target = await _reviewable(session, proposal_id, actor)
    if proposal_id in data.sources or len(set(data.sources)) != len(data.sources):
        raise InvalidInput("list each other proposal once, not the target itself", field="sources")
    sources = [await _reviewable(session, source_id, actor, field="sources") for source_id in data.sources]
    if any(s.budget_id != target.budget_id for s in sources):
        raise InvalidInput("only proposals for the same budget can be merged", field="sources")
    authors = await _authors(session, [proposal_id])
    keys = {a.author_key for a in authors}
    supporters = {s.supporter_key for s in await _supports(session, [proposal_id])}
    for source in sources:
        for author in await _authors(session, [source.id or 0]):
            if author.author_key in keys:
                continue
            key = author.author_key if author.can_edit else f"{author.author_key}:{source.id}"
            keys.add(key)
            session.add(
                ProposalAuthor(
                    proposal_id=proposal_id,
                    author_key=key,
                    label=author.label,
                    can_edit=author.can_edit,
                    created_at=now,
                )
            )
        for row in await _supports(session, [source.id or 0]):
            if row.supporter_key in supporters:
                await session.delete(row)
            else:
                supporters.add(row.supporter_key)
                row.proposal_id = proposal_id
                session.add(row)
        source.status, source.merged_into_id, source.updated_at = (
            ProposalStatus.MERGED.value,
            proposal_id,
            now,
        )
        session.add(source)
    await session.flush()
    if data.title is not None:
        target.title = data.title.as_dict()
    if data.description is not None:
        target.description = data.description.as_dict()
    target.version += 1
    target.updated_at = now
    session.add(target)
    merged = ", ".join(f"#{s.id}" for s in sources)
    session.add(
        snapshot(target, editor_label=reviewer_label(actor), note=f"merged {merged}: {data.note}", now=now)
    )
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="proposal.merge",
        target=f"proposal:{proposal_id}",
        now=now,
        details={"sources": data.sources, "supports": len(supporters)},
    )
    return target


async def split(
    session: AsyncSession, *, proposal_id: int, data: SplitRequest, actor: Principal, now: datetime
) -> Proposal:
    """Split a part off into a new proposal by the same authors; it starts without supports."""
    original = await _reviewable(session, proposal_id, actor)
    part = Proposal(
        round_id=original.round_id,
        budget_id=original.budget_id,
        network_id=original.network_id,
        title=data.title.as_dict(),
        description=data.description.as_dict(),
        theme=original.theme,
        address=original.address,
        lat=original.lat,
        lon=original.lon,
        own_cost=data.own_cost,
        split_from_id=proposal_id,
        created_at=now,
        updated_at=now,
    )
    session.add(part)
    await session.flush()
    for author in await _authors(session, [proposal_id]):
        session.add(
            ProposalAuthor(
                proposal_id=part.id or 0,
                author_key=author.author_key,
                label=author.label,
                can_edit=author.can_edit,
                created_at=now,
            )
        )
    note = f"split from #{proposal_id}: {data.note}"
    session.add(snapshot(part, editor_label=reviewer_label(actor), note=note, now=now))
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="proposal.split",
        target=f"proposal:{part.id}",
        now=now,
        details={"from": proposal_id},
    )
    return part


async def _reviewable(
    session: AsyncSession, proposal_id: int, actor: Principal, *, field: str | None = None
) -> Proposal:
    proposal = await get_proposal(session, proposal_id)
    await ensure_reviews(session, actor, proposal)
    budget_round = await round_of(session, proposal)
    if budget_round.phase not in REVIEW_PHASES:
        raise PhaseConflict("proposals are reviewed in the proposals and deliberation phases")
    if proposal.status not in EDITABLE:
        raise Conflict(
            "proposal %(proposal_id)s is %(state)s",
            field=field, proposal_id=proposal_id, state=proposal.status,
        )
    return proposal


async def _authors(session: AsyncSession, ids: list[int]) -> Sequence[ProposalAuthor]:
    query = select(ProposalAuthor).where(col(ProposalAuthor.proposal_id).in_(ids))
    return (await session.exec(query.order_by(col(ProposalAuthor.id)))).all()


async def _supports(session: AsyncSession, ids: list[int]) -> Sequence[ProposalSupport]:
    return (
        await session.exec(select(ProposalSupport).where(col(ProposalSupport.proposal_id).in_(ids)))
    ).all()
