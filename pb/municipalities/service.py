"""Creating and finding municipalities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_admin
from pb.core.errors import AlreadyExists, NotFound
from pb.core.models import Municipality
from pb.municipalities.schemas import MunicipalityCreate


async def create_municipality(
    session: AsyncSession, *, data: MunicipalityCreate, actor: Principal, now: datetime
) -> Municipality:
    ensure_admin(actor)
    clash = await session.exec(
        select(Municipality).where(or_(Municipality.slug == data.slug, Municipality.code == data.code))
    )
    if clash.first() is not None:
        raise AlreadyExists("a municipality with this slug or code exists", field="slug")
    municipality = Municipality(
        slug=data.slug, code=data.code, name=data.name.as_dict(), languages=list(data.languages), created_at=now
    )
    session.add(municipality)
    await session.flush()
    await audit.record(
        session, actor=actor.actor, action="municipality.create", target=f"municipality:{municipality.id}",
        now=now, details={"slug": data.slug},
    )
    return municipality


async def list_municipalities(session: AsyncSession) -> Sequence[Municipality]:
    return (await session.exec(select(Municipality).order_by(col(Municipality.slug)))).all()


async def get_municipality(session: AsyncSession, municipality_id: int) -> Municipality:
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound("municipality %(municipality_id)s does not exist", municipality_id=municipality_id)
    return municipality


async def find_municipality(session: AsyncSession, key: str) -> Municipality:
    """Find by id, slug or official code, as the CLI accepts any of them."""
    query = select(Municipality).where(or_(Municipality.slug == key, Municipality.code == key))
    if key.isdigit() and len(key) != 3:
        query = select(Municipality).where(Municipality.id == int(key))
    found = (await session.exec(query)).first()
    if found is None:
        raise NotFound("municipality %(key)r does not exist", field="municipality", key=key)
    return found
