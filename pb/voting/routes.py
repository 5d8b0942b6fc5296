"""HTTP routes for voting: a resident's budgets, casting, and the public bulletin board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, HeaderParameter, JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.db import SessionMaker
from pb.http.dependencies import (
    Credential,
    Credentials,
    DbSession,
    Id,
    Now,
    Voter,
    provide_credential,
    provide_resident,
)
from pb.http.problems import problem_language
from pb.i18n.translator import translator
from pb.voting import board, my_budgets, service
from pb.voting.cache import VotingCache
from pb.voting.guard import CastGuard
from pb.voting.keys import VotingKeys
from pb.voting.prepared import CastRequest
from pb.voting.receipts import stored_selections
from pb.voting.schemas import BallotCast, BallotContent, Board, BoardEntry, CastReceipt, MyBudget, ReceiptLookup

MAX_CAST_BODY = 64 * 1024
"""Far above the largest valid ballot (1,000 codes of 32 characters)."""

Keys = NamedDependency[VotingKeys]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$"),
]
Receipt = Annotated[str, PathParameter(pattern=r"^[0-9a-f]{64}$")]


def provide_voting_keys(state: State) -> VotingKeys:
    keys: VotingKeys = state.voting_keys
    return keys


@dataclass(frozen=True, slots=True)
class Casting:
    """What a cast needs besides its body: the caller's checked credential, and the app's database, voting keys
    and voting cache."""

    credential: Credential
    engine: AsyncEngine
    sessionmaker: SessionMaker
    keys: VotingKeys
    cache: VotingCache


Castings = NamedDependency[Casting]


def provide_casting(credential: Credentials, state: State) -> Casting:
    """The cast's one dependency, resolved after the credential's: Litestar resolves two or more independent
    dependencies in a task group, which cost the cast about 150 us more (a third of its route's CPU)."""
    return Casting(credential, state.engine, state.sessionmaker, state.voting_keys, state.voting_cache)


class MyBudgetsController(Controller):
    """Where the signed-in resident may vote in a round, and where their ballot counts."""

    path = "/rounds/{round_id:int}/my-budgets"
    tags = ["voting"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "resident": Provide(provide_resident),
        "keys": Provide(provide_voting_keys, sync_to_thread=False),
    }

    @get("/", operation_id="listMyBudgets", summary="List where you may vote")
    async def my_budgets(
        self, request: Request[Any, Any, Any], db_session: DbSession, round_id: FromPath[Id], resident: Voter,
        keys: Keys, now: Now,
    ) -> Sequence[MyBudget]:
        """The round's budgets: where you may vote, why not elsewhere (in the Accept-Language), and where your
        ballot counts."""
        rows = await my_budgets.my_budgets(db_session, round_id=round_id, voter=resident, keys=keys, now=now)
        words = translator(problem_language(request))
        return [
            MyBudget(
                budget_id=r.budget.id or 0,
                slug=r.budget.slug,
                name=r.budget.name,
                ballot_format=r.budget.ballot_format,
                eligible=r.verdict.eligible,
                reason=r.verdict.reason,
                message=r.verdict.sentence(words),
                voted=r.voted,
            )
            for r in rows
        ]


class BallotController(Controller):
    path = "/budgets/{budget_id:int}/ballot"
    tags = ["voting"]  # noqa: RUF012

    @post(
        "/",
        middleware=[CastGuard],
        request_max_body_size=MAX_CAST_BODY,
        dependencies={
            "credential": Provide(provide_credential, sync_to_thread=False),
            "casting": Provide(provide_casting, sync_to_thread=False),
        },
        operation_id="castBallot", summary="Cast or change your ballot",
    )
    async def cast(
        self,
        budget_id: FromPath[Id],
        data: JSONBody[BallotCast],
        casting: Castings,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CastReceipt]:
        """Cast or change your ballot; 201 with its receipt, 200 when repeating a request already done."""
        # The session row (revocation, expiry) is read by the cast itself, on its own connection (pb.voting.service);
        # the transaction, where there is one, is opened there rather than by a dependency, so nothing resolved
        # after it can raise and leave it open (Litestar does not clean up dependencies when a later one raises).
        credential = casting.credential
        request = CastRequest(budget_id, credential.session_id, data, idempotency_key, credential.now)
        result = await service.cast(
            casting.engine, casting.sessionmaker, request, keys=casting.keys, cache=casting.cache
        )
        ballot = BallotContent(budget_id=result.budget_id, config_hash=result.config_hash, selections=result.selections)
        return Response(
            CastReceipt(receipt=result.receipt, nonce=result.nonce, ballot=ballot),
            status_code=HTTP_201_CREATED if result.created else HTTP_200_OK,
        )


class BoardController(Controller):
    path = "/budgets/{budget_id:int}/board"
    tags = ["board"]  # noqa: RUF012

    @get("/", operation_id="getBoard", summary="Read a budget's bulletin board")
    async def board(self, db_session: DbSession, budget_id: FromPath[Id]) -> Board:
        """Every counted ballot of a budget in receipt order, with the hash over the set; after voting."""
        publication, ballots = await board.board(db_session, budget_id=budget_id)
        return Board(
            budget_id=publication.budget_id,
            round_id=publication.round_id,
            config_hash=publication.config_hash,
            ballot_count=publication.ballot_count,
            set_hash=publication.set_hash,
            ballots=[
                BoardEntry(receipt=b.receipt, selections=stored_selections(b.selections)) for b in ballots
            ],
        )


class ReceiptController(Controller):
    path = "/board/receipts"
    tags = ["board"]  # noqa: RUF012

    @get("/{receipt:str}", operation_id="lookUpReceipt", summary="Check a ballot by its receipt")
    async def receipt(self, db_session: DbSession, receipt: Receipt) -> ReceiptLookup:
        """The published ballot with this receipt: its content only."""
        ballot = await board.published_ballot(db_session, receipt=receipt)
        return ReceiptLookup(
            receipt=ballot.receipt,
            ballot=BallotContent(
                budget_id=ballot.budget_id,
                config_hash=ballot.config_hash,
                selections=stored_selections(ballot.selections),
            ),
        )
