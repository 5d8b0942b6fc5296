"""A participant's own part in a round's proposals: what they proposed, support and offered to help with.

Found by the participant's author key, the only way deliberation knows a resident; hidden proposals keep
their place without their text, as everywhere else (``service.views``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.proposals.models import Proposal, ProposalAuthor, ProposalSupport, VolunteerOffer
from pb.proposals.participants import Participant
from pb.proposals.schemas import ProposalPublic
from pb.proposals.service import views


@dataclass(frozen=True, slots=True)
class Activity:
    proposed: list[ProposalPublic]
    """Proposals the participant may edit as an author, newest first."""
    supported: list[ProposalPublic]
    volunteered: list[ProposalPublic]
    """Proposals with the participant's current (not withdrawn) offer of help."""


async def activity(session: AsyncSession, *, who: Participant, round_id: int) -> Activity:
    in_round = Proposal.round_id == round_id
    proposed = select(Proposal).join(ProposalAuthor, col(ProposalAuthor.proposal_id) == col(Proposal.id)).where(
        in_round, ProposalAuthor.author_key == who.key, col(ProposalAuthor.can_edit).is_(True))
    supported = select(Proposal).join(ProposalSupport, col(ProposalSupport.proposal_id) == col(Proposal.id)).where(
        in_round, ProposalSupport.supporter_key == who.key)
    volunteered = select(Proposal).join(VolunteerOffer, col(VolunteerOffer.proposal_id) == col(Proposal.id)).where(
        in_round, VolunteerOffer.volunteer_key == who.key, col(VolunteerOffer.withdrawn_at).is_(None))
    found = []
    for query in (proposed, supported, volunteered):
        rows = (await session.exec(query.distinct().order_by(col(Proposal.id).desc()))).all()
        found.append(await views(session, rows))
    return Activity(*found)
