"""Volunteers: residents, associations and businesses offer to help carry a proposal out.

Counts are public, names only with the volunteer's consent; the message and contact are for the proposal's
authors, the network's coordinator and the municipality's officials. A volunteer may withdraw their offer: it
stays stored with the time of withdrawal, and is no longer counted or shown; they may offer again later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import AlreadyExists, Conflict, Forbidden, NotFound
from pb.i18n.lazy import lazy_gettext
from pb.proposals.access import ensure_reviews
from pb.proposals.deliberation_schemas import VolunteerCreate, VolunteerPublic, VolunteerSummary
from pb.proposals.eligibility import ensure_may_take_part
from pb.proposals.models import Proposal, ProposalStatus, VolunteerOffer
from pb.proposals.participants import Participant
from pb.proposals.schemas import ProposalPublic
from pb.proposals.service import budget_of, ensure_author, get_proposal, round_of


async def offer_help(
    session: AsyncSession, *, proposal_id: int, data: VolunteerCreate, who: Participant, now: datetime
) -> VolunteerOffer:
    proposal = await get_proposal(session, proposal_id)
    if not who.is_resident:
        raise Forbidden("volunteers sign in as residents (also on behalf of an association or business)")
    if not takes_offers(proposal):
        raise Conflict("this proposal takes no offers of help")
    await ensure_may_take_part(session, who, budget=await budget_of(session, proposal),
                               budget_round=await round_of(session, proposal), now=now,
                               action=lazy_gettext("volunteering for a proposal of this budget"))
    if any(o.volunteer_key == who.key for o in await _active(session, proposal_id)):
        raise AlreadyExists("you have already offered help for this proposal")
    row = VolunteerOffer(
        proposal_id=proposal_id,
        volunteer_key=who.key,
        kind=data.kind.value,
        name=data.name,
        show_name=data.show_name,
        offers=[o.value for o in data.offers],
        message=data.message,
        contact=data.contact,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def takes_offers(proposal: Proposal | ProposalPublic) -> bool:
    """Help is offered to proposals still in play: not hidden, merged away or stopped in deliberation."""
    hidden = proposal.hidden if isinstance(proposal, ProposalPublic) else proposal.hidden_at is not None
    return not hidden and proposal.status not in (ProposalStatus.MERGED.value, ProposalStatus.NOT_ADVANCED.value)


async def withdraw_offer(
    session: AsyncSession, *, proposal_id: int, who: Participant, now: datetime
) -> VolunteerOffer:
    """The caller withdraws their own current offer of help for the proposal."""
    await get_proposal(session, proposal_id)
    own = [o for o in await _active(session, proposal_id) if o.volunteer_key == who.key]
    if not own:
        raise NotFound("you have no offer of help for this proposal to withdraw")
    offer = own[0]
    offer.withdrawn_at = now
    session.add(offer)
    await session.flush()
    return offer


async def summary(session: AsyncSession, *, proposal_id: int) -> VolunteerSummary:
    await get_proposal(session, proposal_id)
    offers = await _active(session, proposal_id)
    by_offer = Counter(kind for o in offers for kind in o.offers)
    return VolunteerSummary(
        proposal_id=proposal_id,
        count=len(offers),
        by_offer=dict(sorted(by_offer.items())),
        public=[
            VolunteerPublic(
                id=o.id or 0,
                kind=o.kind,
                name=o.name if o.show_name else None,
                offers=o.offers,
                created_at=o.created_at,
            )
            for o in offers
        ],
    )


async def offers_for_organisers(
    session: AsyncSession, *, proposal_id: int, who: Participant
) -> Sequence[VolunteerOffer]:
    """Every offer with its message and contact, for the authors, the coordinator and officials."""
    proposal = await get_proposal(session, proposal_id)
    if who.is_resident:
        await ensure_author(session, proposal, who)
    else:
        await ensure_reviews(session, who.principal, proposal)
    return await _active(session, proposal_id)


async def _active(session: AsyncSession, proposal_id: int) -> Sequence[VolunteerOffer]:
    query = select(VolunteerOffer).where(
        VolunteerOffer.proposal_id == proposal_id, col(VolunteerOffer.withdrawn_at).is_(None)
    )
    return (await session.exec(query.order_by(col(VolunteerOffer.id)))).all()
