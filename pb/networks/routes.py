"""HTTP routes for development networks."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody

from pb.auth.principal import NETWORK_STAFF
from pb.http.dependencies import Caller, DbSession, Id, Now, only, provide_principal
from pb.networks import service
from pb.networks.schemas import NetworkCreate, NetworkPublic, NetworkUpdate

AUTH = {"principal": Provide(provide_principal)}


class MunicipalityNetworkController(Controller):
    """A municipality's development networks."""

    path = "/municipalities/{municipality_id:int}/networks"
    opt = only(NETWORK_STAFF)
    tags = ("networks",)

    @get("/", operation_id="listNetworks", summary="List a municipality's networks")
    async def list_networks(
        self, db_session: DbSession, municipality_id: FromPath[Id], include_archived: FromQuery[bool] = False
    ) -> Sequence[NetworkPublic]:
        """The regional, theme and business development networks of a municipality; archived ones only with
        `include_archived=true`."""
        networks = await service.list_networks(
            db_session, municipality_id=municipality_id, include_archived=include_archived
        )
        return [NetworkPublic.model_validate(n) for n in networks]

    @post("/", dependencies=AUTH, operation_id="createNetwork", summary="Add a development network")
    async def create_network(
        self,
        db_session: DbSession,
        municipality_id: FromPath[Id],
        data: JSONBody[NetworkCreate],
        principal: Caller,
        now: Now,
    ) -> NetworkPublic:
        """The municipality's officials add a regional, theme or business network: its slug, kind, names, description,
        areas (postal codes and districts), core team and coordinator. A network can have its own budget in a round."""
        network = await service.create_network(
            db_session, municipality_id=municipality_id, data=data, actor=principal, now=now
        )
        return NetworkPublic.model_validate(network)


class NetworkController(Controller):
    path = "/networks/{network_id:int}"
    opt = only(NETWORK_STAFF)
    tags = ("networks",)

    @get("/", operation_id="getNetwork", summary="Get a development network")
    async def get_network(self, db_session: DbSession, network_id: FromPath[Id]) -> NetworkPublic:
        """One network by id: its kind, names, description, areas, core team and whether it is archived."""
        return NetworkPublic.model_validate(await service.get_network(db_session, network_id))

    @patch("/", dependencies=AUTH, operation_id="updateNetwork", summary="Change a development network")
    async def update_network(
        self,
        db_session: DbSession,
        network_id: FromPath[Id],
        data: JSONBody[NetworkUpdate],
        principal: Caller,
        now: Now,
    ) -> NetworkPublic:
        """Officials of its municipality, or its coordinator, change a network's names, description, areas, core team
        or coordinator, or archive it. Only the fields sent change."""
        network = await service.update_network(db_session, network_id=network_id, data=data, actor=principal, now=now)
        return NetworkPublic.model_validate(network)
