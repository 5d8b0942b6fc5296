"""HTTP routes of research exports: the round's export policy, and the anonymised files of a published budget."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from pb.auth.principal import MANAGERS, Principal
from pb.http.dependencies import (
    SESSION_COOKIE,
    AppSettings,
    Caller,
    DbSession,
    Id,
    Now,
    bearer_token,
    only,
    provide_principal,
)
from pb.http.media import EXPORT_TYPES
from pb.research import exports
from pb.research.access import POLICY_READERS
from pb.research.schemas import PolicyPublic, PolicyUpdate

AUTH = {"principal": Provide(provide_principal)}
MaybeCaller = NamedDependency[Principal | None]


async def provide_optional_principal(
    request: Request[Any, Any, Any], state: State, settings: AppSettings, now: Now
) -> Principal | None:
    """The caller when credentials are sent, else None (public exports need none)."""
    if bearer_token(request) is None and request.cookies.get(SESSION_COOKIE) is None:
        return None
    return await provide_principal(request, state, settings, now)


class ResultsPolicyController(Controller):
    """A round's research export policy, set by its officials."""

    path = "/rounds/{round_id:int}/results-policy"
    tags = ("results",)

    @get("/", dependencies=AUTH, opt=only(POLICY_READERS), operation_id="getResultsPolicy",
         summary="Get a round's research export policy")
    async def read_policy(self, db_session: DbSession, round_id: FromPath[Id], principal: Caller) -> PolicyPublic:
        """The round's export policy: who may download, the k-anonymity minimums, and whether it is frozen."""
        policy, frozen = await exports.get_policy(db_session, round_id=round_id, actor=principal)
        return PolicyPublic.model_validate({**policy.model_dump(), "frozen": frozen})

    @put("/", dependencies=AUTH, opt=only(MANAGERS), operation_id="setResultsPolicy",
         summary="Set a round's research export policy")
    async def policy(
        self, db_session: DbSession, round_id: FromPath[Id], data: JSONBody[PolicyUpdate], principal: Caller,
        now: Now,
    ) -> PolicyPublic:
        """Replace the whole policy (every field required); 409 once a budget of the round is published."""
        policy = await exports.set_policy(db_session, round_id=round_id, **data.model_dump(), actor=principal,
                                          now=now)
        return PolicyPublic.model_validate({**policy.model_dump(), "frozen": False})


class ExportController(Controller):
    path = "/budgets/{budget_id:int}/export"
    tags = ("results",)

    @get("/", dependencies={"caller": Provide(provide_optional_principal)}, operation_id="exportBudget",
         summary="Download a research export")
    async def export(
        self, db_session: DbSession, budget_id: FromPath[Id], caller: MaybeCaller, now: Now, settings: AppSettings,
        format: FromQuery[str] = "pb", table: FromQuery[str] = "ballots",
    ) -> Response[bytes]:
        """An anonymised research export of a published budget: .pb, or one table as CSV or Parquet."""
        name, content = await exports.export_file(db_session, budget_id=budget_id, fmt=format, table=table,
                                                  principal=caller, now=now, secret=settings.voter_key_master)
        return Response(content, media_type=EXPORT_TYPES[format],
                        headers={"content-disposition": f'attachment; filename="{name}"'})
