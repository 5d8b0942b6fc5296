"""HTTP routes of the round lifecycle: an official moves a round to its next phase; anyone reads the moves."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pb.http.dependencies import Caller, DbSession, Id, Now, VotingCaches, provide_principal
from pb.lifecycle import phases
from pb.lifecycle.schemas import TransitionPublic, TransitionRequest
from pb.rounds import service
from pb.rounds.schemas import RoundPublic

AUTH = {"principal": Provide(provide_principal)}


class TransitionController(Controller):
    path = "/rounds/{round_id:int}/transitions"
    tags = ("rounds",)

    @post("/", dependencies=AUTH, status_code=200, operation_id="moveRound")
    async def transition(
        self, db_session: DbSession, round_id: FromPath[Id], data: JSONBody[TransitionRequest], principal: Caller,
        now: Now, voting_cache: VotingCaches,
    ) -> RoundPublic:
        budget_round = await phases.transition(
            db_session, round_id=round_id, to=data.to, actor=principal, now=now, cache=voting_cache
        )
        return await service.round_public(db_session, budget_round)

    @get("/", operation_id="listTransitions")
    async def list_transitions(self, db_session: DbSession, round_id: FromPath[Id]) -> Sequence[TransitionPublic]:
        return [TransitionPublic.model_validate(t) for t in await service.transitions_of(db_session, round_id)]
