"""HTTP routes for budget rounds: their configuration and phase plan (moves between phases: pb.lifecycle)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from pb.auth.principal import MANAGERS
from pb.core.models import Phase
from pb.http.dependencies import Caller, DbSession, Id, Now, Offset, OptionalId, only, provide_principal
from pb.http.problems import problem_language
from pb.i18n.translator import translator
from pb.lifecycle.status import round_public
from pb.rounds import service
from pb.rounds.schemas import RoundCreate, RoundPublic, RoundUpdate, Schedule

AUTH = {"principal": Provide(provide_principal)}
AnyRequest = Request[Any, Any, Any]


class RoundController(Controller):
    path = "/rounds"
    opt = only(MANAGERS)
    tags = ("rounds",)

    @get("/", operation_id="listRounds", summary="List budget rounds")
    async def list_rounds(
        self,
        request: AnyRequest,
        db_session: DbSession,
        now: Now,
        municipality_id: FromQuery[OptionalId] = None,
        phase: FromQuery[Phase | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        offset: FromQuery[Offset] = 0,
    ) -> Sequence[RoundPublic]:
        """Rounds of every municipality, newest first; narrow them by `municipality_id` and `phase`, page with `limit`
        and `offset`. No sign-in needed."""
        rounds = await service.list_rounds(
            db_session, municipality_id=municipality_id, phase=phase, limit=limit, offset=offset
        )
        words = translator(problem_language(request))
        return [await round_public(db_session, r, now=now, words=words) for r in rounds]

    @post("/", dependencies=AUTH, operation_id="createRound", summary="Create a budget round")
    async def create_round(
        self, request: AnyRequest, db_session: DbSession, data: JSONBody[RoundCreate], principal: Caller, now: Now
    ) -> RoundPublic:
        """An official starts a round for their municipality, in the `draft` phase: its slug, year, names, the minimum
        age to take part, whether residence is required and revoting allowed, and optionally its phase plan."""
        budget_round = await service.create_round(db_session, data=data, actor=principal, now=now)
        return await round_public(db_session, budget_round, now=now, words=translator(problem_language(request)))

    @get("/{round_id:int}", operation_id="getRound", summary="Get a budget round")
    async def get_round(
        self, request: AnyRequest, db_session: DbSession, round_id: FromPath[Id], now: Now
    ) -> RoundPublic:
        """One round by id: its municipality, phase, phase plan and participation rules, once voting opened the hash of
        its frozen configuration, and whether it is held outside voting or its tally failed (and why)."""
        budget_round = await service.get_round(db_session, round_id)
        return await round_public(db_session, budget_round, now=now, words=translator(problem_language(request)))

    @patch("/{round_id:int}", dependencies=AUTH, operation_id="updateRound", summary="Change a budget round")
    async def update_round(
        self, request: AnyRequest, db_session: DbSession, round_id: FromPath[Id], data: JSONBody[RoundUpdate],
        principal: Caller, now: Now,
    ) -> RoundPublic:
        """The municipality's officials change a round's names or participation rules (minimum age, residence,
        revoting) before voting opens; after that its configuration is frozen (409). Only the fields sent change."""
        budget_round = await service.update_round(
            db_session, round_id=round_id, data=data, actor=principal, now=now
        )
        return await round_public(db_session, budget_round, now=now, words=translator(problem_language(request)))

    @put("/{round_id:int}/schedule", dependencies=AUTH, operation_id="setRoundSchedule",
         summary="Set a round's phase plan")
    async def set_schedule(
        self, request: AnyRequest, db_session: DbSession, round_id: FromPath[Id], data: JSONBody[Schedule],
        principal: Caller, now: Now,
    ) -> RoundPublic:
        """The dates on which the round moves from phase to phase (proposals, deliberation, voting, tallying, results,
        implementation, closed); the service moves it by itself when a date arrives. A voting deadline can only be
        moved later once voting opened."""
        budget_round = await service.set_schedule(
            db_session, round_id=round_id, schedule=data, actor=principal, now=now
        )
        return await round_public(db_session, budget_round, now=now, words=translator(problem_language(request)))
