"""HTTP routes of the round lifecycle: an official moves a round to its next phase or reads what voting still
lacks; anyone reads the moves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pb.auth.principal import MANAGERS
from pb.core.models import Phase
from pb.http.dependencies import Caller, DbSession, Id, Now, VotingCaches, only, provide_principal
from pb.http.problems import problem_language
from pb.i18n.translator import translator
from pb.lifecycle import phases, readiness, status
from pb.lifecycle.schemas import ReadinessPublic, TransitionPublic, TransitionRequest
from pb.rounds import service
from pb.rounds.schemas import MissingPublic, RoundPublic

AUTH = {"principal": Provide(provide_principal)}


class TransitionController(Controller):
    path = "/rounds/{round_id:int}/transitions"
    opt = only(MANAGERS)
    tags = ("rounds",)

    @post("/", dependencies=AUTH, status_code=200, operation_id="moveRound", summary="Move a round to its next phase")
    async def transition(
        self, request: Request[Any, Any, Any], db_session: DbSession, round_id: FromPath[Id],
        data: JSONBody[TransitionRequest], principal: Caller, now: Now, voting_cache: VotingCaches,
    ) -> RoundPublic:
        """Move the round on to its next phase; voting opens only on a ready round, or with an acknowledgement
        naming every missing item (``acknowledge_not_ready``) and a ``reason``, both audited."""
        budget_round = await phases.transition(
            db_session, round_id=round_id, to=data.to, actor=principal, now=now, cache=voting_cache,
            acknowledge_not_ready=data.acknowledge_not_ready, reason=data.reason,
        )
        return await status.round_public(db_session, budget_round, now=now,
                                         words=translator(problem_language(request)))

    @get("/", operation_id="listTransitions", summary="List a round's phase moves")
    async def list_transitions(self, db_session: DbSession, round_id: FromPath[Id]) -> Sequence[TransitionPublic]:
        """Every move of the round from phase to phase, oldest first: when, who (an official or the schedule) and any
        acknowledgement given. No sign-in needed."""
        return [TransitionPublic.model_validate(t) for t in await service.transitions_of(db_session, round_id)]


class ReadinessController(Controller):
    path = "/rounds/{round_id:int}/readiness"
    opt = only(MANAGERS)
    tags = ("rounds",)

    @get("/", dependencies=AUTH, operation_id="getRoundReadiness", summary="Check whether voting can open")
    async def readiness(
        self, request: Request[Any, Any, Any], db_session: DbSession, round_id: FromPath[Id], principal: Caller,
        now: Now,
    ) -> ReadinessPublic:
        """What the round still lacks before voting can open (the municipality's officials and admins)."""
        found = await readiness.readiness(db_session, round_id=round_id, actor=principal, now=now)
        words = translator(problem_language(request))
        return ReadinessPublic(
            round_id=round_id, phase=Phase(found.budget_round.phase), ready=not found.missing,
            held_by_schedule_since=found.held_by_schedule_since,
            missing=[MissingPublic.model_validate(item.public(words)) for item in found.missing],
        )
