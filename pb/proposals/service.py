"""Submitting and revising proposals; every version is kept as the proposal's public history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import get_budget
from pb.core.errors import Conflict, Forbidden, InvalidInput, NotFound, PhaseConflict
from pb.core.models import Budget, BudgetRound, Network, Phase, Role
from pb.i18n.lazy import lazy_gettext
from pb.proposals.eligibility import ensure_may_take_part
from pb.proposals.models import Proposal, ProposalAuthor, ProposalStatus, ProposalSupport, ProposalVersion
from pb.proposals.participants import Participant, public_label
from pb.proposals.schemas import ProposalCreate, ProposalPublic, ProposalUpdate
from pb.proposals.stages import open_stage
from pb.rounds.service import get_round

EDITABLE = frozenset({ProposalStatus.SUBMITTED.value, ProposalStatus.ADVANCED.value})


class ProposalsClosed(PhaseConflict):
    code = "proposals_closed"
    title = "Proposals are not accepted now"


async def submit_proposal(
    session: AsyncSession, *, data: ProposalCreate, who: Participant, now: datetime
) -> Proposal:
    budget = await session.get(Budget, data.budget_id)
    if budget is None:
        raise InvalidInput("budget %(budget_id)s does not exist", field="budget_id", budget_id=data.budget_id)
    budget_round = await get_round(session, budget.round_id)
    if who.role is Role.COORDINATOR:
        if budget.network_id is None or budget.network_id != who.network_id:
            raise Forbidden("a coordinator proposes only for their own network's budget", field="budget_id")
    elif not who.is_resident:
        raise Forbidden("proposals come from residents and from networks' coordinators")
    if not accepts_proposals(budget_round):
        raise ProposalsClosed(
            "the round is in %(phase)s: proposals are submitted in the proposals phase", phase=budget_round.phase
        )
    await ensure_may_take_part(session, who, budget=budget, budget_round=budget_round, now=now,
                               action=lazy_gettext("proposing for this budget"))
    location = data.location
    proposal = Proposal(
        round_id=budget_round.id or 0,
        budget_id=data.budget_id,
        network_id=budget.network_id,
        title=data.title.as_dict(),
        description=data.description.as_dict(),
        theme=data.theme,
        address=location.address if location else None,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        own_cost=data.own_cost,
        created_at=now,
        updated_at=now,
    )
    session.add(proposal)
    await session.flush()
    assert proposal.id is not None
    label = await _label(session, who, proposal.id, name=data.public_name, show_name=data.show_name)
    session.add(ProposalAuthor(proposal_id=proposal.id, author_key=who.key, label=label, created_at=now))
    for number, name in enumerate(dict.fromkeys(data.co_proposers), start=1):
        session.add(
            ProposalAuthor(
                proposal_id=proposal.id,
                author_key=f"named:{number}",
                label=name,
                can_edit=False,
                created_at=now,
            )
        )
    session.add(snapshot(proposal, editor_label=label, note="", now=now))
    await session.flush()
    return proposal


async def update_proposal(
    session: AsyncSession, *, proposal_id: int, data: ProposalUpdate, who: Participant, now: datetime
) -> Proposal:
    proposal = await get_proposal(session, proposal_id)
    author = await ensure_author(session, proposal, who)
    budget_round = await get_round(session, proposal.round_id)
    if budget_round.phase != Phase.PROPOSALS.value:
        await open_stage(session, budget_round, now)
    if proposal.status not in EDITABLE:
        raise Conflict("a proposal that is %(state)s cannot be edited", state=proposal.status)
    changes = data.model_dump(exclude_unset=True, exclude={"note"})
    if not changes:
        raise InvalidInput("nothing to change", field="title")
    if data.title is not None:
        proposal.title = data.title.as_dict()
    if data.description is not None:
        proposal.description = data.description.as_dict()
    if data.theme is not None:
        proposal.theme = data.theme
    if "location" in changes:
        location = data.location
        proposal.address = location.address if location else None
        proposal.lat, proposal.lon = (location.lat, location.lon) if location else (None, None)
    if "own_cost" in changes:
        proposal.own_cost = data.own_cost
    proposal.version += 1
    proposal.updated_at = now
    session.add(proposal)
    session.add(snapshot(proposal, editor_label=author.label, note=data.note or "", now=now))
    await session.flush()
    return proposal


def snapshot(proposal: Proposal, *, editor_label: str, note: str, now: datetime) -> ProposalVersion:
    return ProposalVersion(
        proposal_id=proposal.id or 0,
        version=proposal.version,
        title=dict(proposal.title),
        description=dict(proposal.description),
        theme=proposal.theme,
        address=proposal.address,
        lat=proposal.lat,
        lon=proposal.lon,
        own_cost=proposal.own_cost,
        editor_label=editor_label,
        note=note,
        created_at=now,
    )


async def _label(
    session: AsyncSession, who: Participant, proposal_id: int, *, name: str | None, show_name: bool
) -> str:
    if who.role is Role.COORDINATOR and who.network_id is not None:
        network = await session.get(Network, who.network_id)
        if network is not None:
            return network.name.get("fi") or next(iter(network.name.values()), f"network {network.id}")
    return public_label(who, proposal_id, name=name, show_name=show_name)


def accepts_proposals(budget_round: BudgetRound) -> bool:
    """Proposals are submitted in the round's proposals phase."""
    return budget_round.phase == Phase.PROPOSALS.value


async def authorship(session: AsyncSession, proposal_id: int, who: Participant) -> ProposalAuthor | None:
    """The caller's editing authorship of the proposal, if they have one."""
    query = select(ProposalAuthor).where(
        ProposalAuthor.proposal_id == proposal_id,
        ProposalAuthor.author_key == who.key,
        col(ProposalAuthor.can_edit).is_(True),
    )
    return (await session.exec(query)).first()


async def ensure_author(session: AsyncSession, proposal: Proposal, who: Participant) -> ProposalAuthor:
    author = await authorship(session, proposal.id or 0, who)
    if author is None:
        raise Forbidden("only the proposal's authors may do this")
    return author


async def get_proposal(session: AsyncSession, proposal_id: int) -> Proposal:
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("proposal %(proposal_id)s does not exist", proposal_id=proposal_id)
    return proposal


async def round_of(session: AsyncSession, proposal: Proposal) -> BudgetRound:
    return await get_round(session, proposal.round_id)


async def budget_of(session: AsyncSession, proposal: Proposal) -> Budget:
    return await get_budget(session, proposal.budget_id)


async def support_counts(session: AsyncSession, proposal_ids: Sequence[int]) -> dict[int, int]:
    if not proposal_ids:
        return {}
    query = (
        select(ProposalSupport.proposal_id, func.count())
        .where(col(ProposalSupport.proposal_id).in_(proposal_ids))
        .group_by(col(ProposalSupport.proposal_id))
    )
    return {pid: count for pid, count in (await session.exec(query)).all()}


async def views(session: AsyncSession, proposals: Sequence[Proposal]) -> list[ProposalPublic]:
    """Public views; a hidden proposal keeps its place but not its text."""
    ids = [p.id for p in proposals if p.id is not None]
    counts = await support_counts(session, ids)
    authors: dict[int, list[str]] = {}
    if ids:
        query = select(ProposalAuthor).where(col(ProposalAuthor.proposal_id).in_(ids))
        for author in (await session.exec(query.order_by(col(ProposalAuthor.id)))).all():
            authors.setdefault(author.proposal_id, []).append(author.label)
    result = []
    for p in proposals:
        hidden = p.hidden_at is not None
        fields = {name: getattr(p, name) for name in ProposalPublic.model_fields if hasattr(p, name)}
        if hidden:
            fields.update(title={}, description={}, address=None, lat=None, lon=None)
        result.append(
            ProposalPublic.model_validate(
                {
                    **fields,
                    "authors": [] if hidden else authors.get(p.id or 0, []),
                    "supports": counts.get(p.id or 0, 0),
                    "hidden": hidden,
                }
            )
        )
    return result


async def view(session: AsyncSession, proposal_id: int) -> ProposalPublic:
    return (await views(session, [await get_proposal(session, proposal_id)]))[0]


async def history(session: AsyncSession, *, proposal_id: int) -> Sequence[ProposalVersion]:
    """Every version of the proposal and of the proposals merged into it, oldest first."""
    proposal = await get_proposal(session, proposal_id)
    if proposal.hidden_at is not None:
        return []
    ids = [proposal_id, *await merged_sources(session, proposal_id)]
    query = select(ProposalVersion).where(col(ProposalVersion.proposal_id).in_(ids))
    return (
        await session.exec(query.order_by(col(ProposalVersion.created_at), col(ProposalVersion.id)))
    ).all()


async def merged_sources(session: AsyncSession, proposal_id: int) -> list[int]:
    """Proposals merged into this one, directly or through earlier merges."""
    found: list[int] = []
    frontier = [proposal_id]
    while frontier:
        query = select(Proposal.id).where(col(Proposal.merged_into_id).in_(frontier))
        frontier = [i for i in (await session.exec(query)).all() if i is not None and i not in found]
        found.extend(frontier)
    return found
