"""Support: one per resident per proposal (a unique constraint), withdrawable while deliberation is open."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import Conflict, Forbidden, NotFound
from pb.i18n.lazy import lazy_gettext
from pb.proposals.deliberation_schemas import SupportPublic
from pb.proposals.eligibility import ensure_may_take_part
from pb.proposals.models import ProposalStatus, ProposalSupport
from pb.proposals.participants import Participant
from pb.proposals.service import EDITABLE, budget_of, get_proposal, round_of, support_counts
from pb.proposals.stages import open_stage


class AlreadySupported(Conflict):
    code = "already_supported"
    title = "Already supported"


async def support(
    session: AsyncSession, *, proposal_id: int, who: Participant, now: datetime
) -> SupportPublic:
    proposal = await get_proposal(session, proposal_id)
    if not who.is_resident:
        raise Forbidden("support is given by residents")
    budget_round = await round_of(session, proposal)
    await open_stage(session, budget_round, now)
    await ensure_may_take_part(session, who, budget=await budget_of(session, proposal), budget_round=budget_round,
                               now=now, action=lazy_gettext("supporting a proposal of this budget"))
    if proposal.status not in EDITABLE or proposal.hidden_at is not None:
        if proposal.status == ProposalStatus.MERGED.value:
            raise Conflict("proposal %(proposal_id)s was merged into %(merged_into)s", proposal_id=proposal_id,
                           merged_into=proposal.merged_into_id)
        raise Conflict("this proposal cannot be supported now")
    if await _own(session, proposal_id, who) is not None:
        raise AlreadySupported("you already support this proposal")
    session.add(ProposalSupport(proposal_id=proposal_id, supporter_key=who.key, created_at=now))
    await session.flush()
    return await status(session, proposal_id=proposal_id, who=who)


async def withdraw(
    session: AsyncSession, *, proposal_id: int, who: Participant, now: datetime
) -> SupportPublic:
    proposal = await get_proposal(session, proposal_id)
    await open_stage(session, await round_of(session, proposal), now)
    row = await _own(session, proposal_id, who)
    if row is None:
        raise NotFound("you do not support this proposal")
    await session.delete(row)
    await session.flush()
    return await status(session, proposal_id=proposal_id, who=who)


async def status(session: AsyncSession, *, proposal_id: int, who: Participant) -> SupportPublic:
    counts = await support_counts(session, [proposal_id])
    mine = await _own(session, proposal_id, who)
    return SupportPublic(
        proposal_id=proposal_id, supports=counts.get(proposal_id, 0), supported=mine is not None
    )


async def _own(session: AsyncSession, proposal_id: int, who: Participant) -> ProposalSupport | None:
    query = select(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal_id, ProposalSupport.supporter_key == who.key
    )
    return (await session.exec(query)).first()
