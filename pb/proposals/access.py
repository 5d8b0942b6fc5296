"""Who may review and moderate a proposal."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal, ensure_coordinates_network, ensure_manages_municipality
from pb.core.errors import Forbidden
from pb.core.models import Role
from pb.proposals.models import Proposal
from pb.proposals.service import round_of


async def ensure_reviews(session: AsyncSession, actor: Principal, proposal: Proposal) -> int:
    """Officials of the municipality, or the coordinator of the proposal's network; returns the
    municipality."""
    municipality_id = (await round_of(session, proposal)).municipality_id
    if actor.role is Role.COORDINATOR and proposal.network_id is None:
        raise Forbidden("a municipality-wide proposal is reviewed by the municipality's officials")
    ensure_coordinates_network(actor, municipality_id=municipality_id, network_id=proposal.network_id or 0)
    return municipality_id


async def ensure_moderates(session: AsyncSession, actor: Principal, proposal: Proposal) -> None:
    """Moderation is the municipality's officials' call."""
    ensure_manages_municipality(actor, (await round_of(session, proposal)).municipality_id)


def reviewer_label(actor: Principal) -> str:
    """The office that reviewed, not the person."""
    if actor.role is Role.COORDINATOR:
        return f"coordinator:network:{actor.network_id}"
    return actor.role.value
