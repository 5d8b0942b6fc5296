"""Creating, changing and archiving development networks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_coordinates_network, ensure_manages_municipality
from pb.core.errors import AlreadyExists, Forbidden, InvalidInput, NotFound, RoundFrozen
from pb.core.models import Budget, BudgetRound, Network, NetworkKind, Phase, Role
from pb.municipalities.service import get_municipality
from pb.networks.schemas import NetworkCreate, NetworkUpdate

# Coordinators tend their network's own page; its name, area and existence are the municipality's call.
COORDINATOR_FIELDS = frozenset({"description", "core_team"})


async def create_network(
    session: AsyncSession, *, municipality_id: int, data: NetworkCreate, actor: Principal, now: datetime
) -> Network:
    await get_municipality(session, municipality_id)
    ensure_manages_municipality(actor, municipality_id)
    clash = await session.exec(
        select(Network).where(Network.municipality_id == municipality_id, Network.slug == data.slug)
    )
    if clash.first() is not None:
        raise AlreadyExists("network %(slug)r exists in this municipality", field="slug", slug=data.slug)
    network = Network(
        municipality_id=municipality_id,
        slug=data.slug,
        kind=data.kind.value,
        name=data.name.as_dict(),
        description=data.description.as_dict(),
        postal_codes=sorted(set(data.postal_codes)),
        districts=list(dict.fromkeys(data.districts)),
        core_team=list(dict.fromkeys(data.core_team)),
        coordinator=data.coordinator.model_dump(exclude_none=True) if data.coordinator else None,
        created_at=now,
    )
    session.add(network)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action="network.create", target=f"network:{network.id}", now=now,
        details={"slug": data.slug, "kind": data.kind.value},
    )
    return network


async def update_network(
    session: AsyncSession, *, network_id: int, data: NetworkUpdate, actor: Principal, now: datetime
) -> Network:
    network = await get_network(session, network_id)
    ensure_coordinates_network(actor, municipality_id=network.municipality_id, network_id=network_id)
    changes = data.model_dump(exclude_unset=True)
    if actor.role is Role.COORDINATOR and not set(changes) <= COORDINATOR_FIELDS:
        raise Forbidden("a coordinator may change only the network's description and core team")
    if data.name is not None:
        network.name = data.name.as_dict()
    if data.description is not None:
        network.description = data.description.as_dict()
    if data.core_team is not None:
        network.core_team = list(dict.fromkeys(data.core_team))
    if "coordinator" in changes:
        network.coordinator = data.coordinator.model_dump(exclude_none=True) if data.coordinator else None
    postal_codes = sorted(set(data.postal_codes)) if data.postal_codes is not None else network.postal_codes
    districts = list(dict.fromkeys(data.districts)) if data.districts is not None else network.districts
    if (sorted(postal_codes), sorted(districts)) != (sorted(network.postal_codes), sorted(network.districts)):
        await _ensure_area_not_frozen(session, network_id)
    network.postal_codes, network.districts = postal_codes, districts
    if data.archived is not None:
        network.archived_at = (network.archived_at or now) if data.archived else None
    if network.kind == NetworkKind.REGIONAL.value and not (network.postal_codes or network.districts):
        raise InvalidInput("a regional network lists the postal codes or districts it covers", field="postal_codes",
                           fields=["postal_codes", "districts"])
    session.add(network)
    await audit.record(
        session, actor=actor.actor, action="network.update", target=f"network:{network_id}", now=now,
        details={"fields": sorted(changes)},
    )
    return network


async def _ensure_area_not_frozen(session: AsyncSession, network_id: int) -> None:
    """A network's area is part of the frozen configuration of every open round restricting a budget to it.

    The rounds are locked FOR SHARE: a round being frozen right now (FOR UPDATE) either finishes first, and the
    change is refused, or waits for this change and freezes the new area.
    """
    rounds = (
        await session.exec(
            select(BudgetRound)
            .join(Budget, col(Budget.round_id) == col(BudgetRound.id))
            .where(
                col(Budget.network_id) == network_id,
                col(Budget.area_restricted).is_(True),
                col(BudgetRound.phase) != Phase.CLOSED.value,
            )
            .with_for_update(read=True, of=BudgetRound)
        )
    ).all()
    frozen = sorted({r.slug for r in rounds if r.frozen_at is not None})
    if frozen:
        raise RoundFrozen(
            "the network's area is frozen while round %(frozen)s votes or counts on it",
            field="postal_codes", frozen=", ".join(frozen),
        )


async def list_networks(
    session: AsyncSession, *, municipality_id: int, include_archived: bool = False
) -> Sequence[Network]:
    await get_municipality(session, municipality_id)
    query = select(Network).where(Network.municipality_id == municipality_id)
    if not include_archived:
        query = query.where(col(Network.archived_at).is_(None))
    return (await session.exec(query.order_by(col(Network.kind), col(Network.slug)))).all()


async def get_network(session: AsyncSession, network_id: int) -> Network:
    network = await session.get(Network, network_id)
    if network is None:
        raise NotFound("network %(network_id)s does not exist", network_id=network_id)
    return network
