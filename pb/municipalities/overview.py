"""What anyone may see of a municipality: its current round, the phase plan, its networks and their budgets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import list_budgets
from pb.core.errors import NotFound
from pb.core.models import Budget, BudgetRound, Municipality, Network, Phase, RoundPhase
from pb.networks.service import list_networks
from pb.rounds.service import windows_of


@dataclass(frozen=True, slots=True)
class CurrentRound:
    round: BudgetRound
    windows: Sequence[RoundPhase]
    budgets: Sequence[Budget]


@dataclass(frozen=True, slots=True)
class MunicipalityOverview:
    municipality: Municipality
    current: CurrentRound | None
    """The newest round that has not closed (else the newest round); none before the first round."""
    networks: Sequence[Network]


@dataclass(frozen=True, slots=True)
class NetworkOverview:
    municipality: Municipality
    network: Network
    current: CurrentRound | None
    budgets: Sequence[Budget]
    """The current round's budgets that are this network's money."""


async def municipality_by_slug(session: AsyncSession, slug: str) -> Municipality:
    found = (await session.exec(select(Municipality).where(Municipality.slug == slug))).first()
    if found is None:
        raise NotFound("no municipality %(slug)r", field="municipality", slug=slug)
    return found


async def current_round(session: AsyncSession, municipality_id: int) -> CurrentRound | None:
    rounds = (
        await session.exec(
            select(BudgetRound)
            .where(BudgetRound.municipality_id == municipality_id)
            .order_by(col(BudgetRound.year).desc(), col(BudgetRound.id).desc())
        )
    ).all()
    if not rounds:
        return None
    chosen = next((r for r in rounds if r.phase != Phase.CLOSED.value), rounds[0])
    assert chosen.id is not None
    return CurrentRound(chosen, await windows_of(session, chosen.id), await list_budgets(session, round_id=chosen.id))


async def municipality_overview(session: AsyncSession, *, slug: str) -> MunicipalityOverview:
    municipality = await municipality_by_slug(session, slug)
    assert municipality.id is not None
    return MunicipalityOverview(
        municipality,
        await current_round(session, municipality.id),
        await list_networks(session, municipality_id=municipality.id),
    )


async def network_overview(session: AsyncSession, *, municipality_slug: str, network_slug: str) -> NetworkOverview:
    municipality = await municipality_by_slug(session, municipality_slug)
    network = (
        await session.exec(
            select(Network).where(
                Network.municipality_id == municipality.id,
                Network.slug == network_slug,
                col(Network.archived_at).is_(None),
            )
        )
    ).first()
    if network is None:
        raise NotFound(
            "no network %(network_slug)r in %(municipality_slug)r",
            field="network", network_slug=network_slug, municipality_slug=municipality_slug,
        )
    assert municipality.id is not None
    current = await current_round(session, municipality.id)
    budgets = [b for b in current.budgets if b.network_id == network.id] if current else []
    return NetworkOverview(municipality, network, current, budgets)
