"""HTTP routes for municipalities."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pb.auth.principal import ADMINS
from pb.core.models import Municipality
from pb.http.dependencies import Caller, DbSession, Id, Now, only, provide_principal
from pb.municipalities import service
from pb.municipalities.schemas import MunicipalityCreate, MunicipalityPublic


class MunicipalityController(Controller):
    path = "/municipalities"
    opt = only(ADMINS)
    tags = ("municipalities",)

    @get("/", operation_id="listMunicipalities", summary="List municipalities")
    async def list_municipalities(self, db_session: DbSession) -> Sequence[MunicipalityPublic]:
        """Every municipality this deployment serves, with its slug, code, names and languages."""
        return [MunicipalityPublic.model_validate(m) for m in await service.list_municipalities(db_session)]

    @get("/{municipality_id:int}", operation_id="getMunicipality", summary="Get a municipality")
    async def get_municipality(self, db_session: DbSession, municipality_id: FromPath[Id]) -> MunicipalityPublic:
        """One municipality by id: its slug, code, names and languages."""
        return MunicipalityPublic.model_validate(await service.get_municipality(db_session, municipality_id))

    @post("/", dependencies={"principal": Provide(provide_principal)}, operation_id="createMunicipality",
          summary="Add a municipality")
    async def create_municipality(
        self, db_session: DbSession, data: JSONBody[MunicipalityCreate], principal: Caller, now: Now
    ) -> MunicipalityPublic:
        """An administrator adds a municipality that will run rounds: its slug (used in page addresses), its
        statistical code, its names in fi/sv/en and the languages it serves."""
        municipality: Municipality = await service.create_municipality(
            db_session, data=data, actor=principal, now=now
        )
        return MunicipalityPublic.model_validate(municipality)
