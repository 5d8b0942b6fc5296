"""Casting a ballot: one transaction that checks the phase, the frozen configuration, eligibility and the
ballot, then records participation and ballot apart (docs/security.md, "Voting").

Lock order: the round row FOR SHARE (an official's close takes it FOR UPDATE, so it waits for casts in flight
and casts after it see the new phase), then the participation row (INSERT ... ON CONFLICT, or FOR UPDATE when
it exists), then the ballot, then the audit head.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb import audit
from pb.errors import NotFound
from pb.models import Budget, BudgetRound, Municipality, Phase
from pb.voting.eligibility import VoterClaims, judge, rules_for
from pb.voting.errors import (
    AlreadyVoted,
    IdempotencyKeyReused,
    NotEligible,
    ReceiptReused,
    SealBroken,
    StaleConfig,
    VotingClosed,
)
from pb.voting.frozen import FrozenBudget, FrozenRound, frozen_round
from pb.voting.keys import SealedRef, VotingKeys
from pb.voting.models import Ballot, Participation
from pb.voting.receipts import Selections, canonical_ballot, new_nonce, receipt_of, stored_selections
from pb.voting.schemas import BallotCast
from pb.voting.validation import checked_selections

VOTER_ACTOR = "resident"
"""Audit entries of casts name no resident: the log must not say who voted when (S2)."""


@dataclass(frozen=True, slots=True)
class CastResult:
    receipt: str
    nonce: str
    budget_id: int
    config_hash: str
    selections: Selections
    created: bool
    """False when the request repeated an earlier one (same Idempotency-Key and body): nothing was stored."""


@dataclass(frozen=True, slots=True)
class _Cast:
    """A checked ballot, ready to store."""

    round_id: int
    budget_id: int
    voter_key: str
    config_hash: str
    selections: Selections
    nonce: str
    receipt: str
    idempotency_tag: str | None
    request_tag: str


async def cast_ballot(
    session: AsyncSession,
    *,
    budget_id: int,
    voter: VoterClaims,
    data: BallotCast,
    idempotency_key: str | None,
    keys: VotingKeys,
    now: datetime,
) -> CastResult:
    """Store ``voter``'s ballot for the budget, replacing their earlier one when the round allows revoting."""
    budget_round, municipality_code = await _lock_round_of(session, budget_id)
    frozen = await _open_round(session, budget_round, now)
    if data.config_hash != frozen.config_hash:
        raise StaleConfig(
            "the ballot was made for another configuration of the round; reload it", field="config_hash"
        )
    budget = frozen.budgets[budget_id]
    verdict = judge(
        voter,
        rules_for(
            min_age=budget.min_age,
            voting_ends_at=frozen.voting_ends_at,
            now=now,
            municipality_code=municipality_code if frozen.residence_required else None,
            postal_codes=budget.postal_codes,
        ),
    )
    if not verdict.eligible:
        raise NotEligible(verdict.message or "not eligible", reason=verdict.reason)
    cast = _prepare(frozen, budget, voter, data, idempotency_key, keys)
    ballot_id = uuid.uuid4()
    sealed = keys.seal(
        frozen.round_id, SealedRef(ballot_id, cast.nonce), budget_id=budget_id, voter_key=cast.voter_key
    )
    if await _insert_participation(session, cast, sealed):
        await _insert_ballot(session, cast, ballot_id)
        action = "ballot.cast"
    else:
        existing = await _locked_participation(session, budget_id, cast.voter_key)
        if cast.idempotency_tag is not None and existing.idempotency_tag == cast.idempotency_tag:
            if existing.request_tag != cast.request_tag:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was used for a different ballot", field="Idempotency-Key"
                )
            return await _replay(session, frozen.round_id, existing, keys)
        if not frozen.allow_revoting:
            raise AlreadyVoted("you have already voted in this budget; this round does not allow changing it")
        await _replace(session, cast, existing, ballot_id, sealed, keys)
        action = "ballot.revote"
    await audit.record(session, actor=VOTER_ACTOR, action=action, target=f"budget:{budget_id}", now=now)
    return CastResult(cast.receipt, cast.nonce, budget_id, cast.config_hash, cast.selections, created=True)


async def _lock_round_of(session: AsyncSession, budget_id: int) -> tuple[BudgetRound, str]:
    query = (
        select(BudgetRound, Municipality.code)
        .join(Budget, col(Budget.round_id) == col(BudgetRound.id))
        .join(Municipality, col(Municipality.id) == col(BudgetRound.municipality_id))
        .where(Budget.id == budget_id)
        .with_for_update(read=True, of=BudgetRound)
    )
    row = (await session.exec(query)).first()
    if row is None:
        raise NotFound(f"budget {budget_id} does not exist")
    return row[0], row[1]


async def _open_round(session: AsyncSession, budget_round: BudgetRound, now: datetime) -> FrozenRound:
    if budget_round.phase != Phase.VOTING.value or budget_round.config_hash is None:
        raise VotingClosed(f"voting is not open: the round is in its {budget_round.phase} phase")
    frozen = await frozen_round(session, budget_round)
    if frozen.voting_ends_at is not None and now >= frozen.voting_ends_at:
        raise VotingClosed("voting has ended")
    return frozen


def _prepare(
    frozen: FrozenRound,
    budget: FrozenBudget,
    voter: VoterClaims,
    data: BallotCast,
    idempotency_key: str | None,
    keys: VotingKeys,
) -> _Cast:
    selections = checked_selections(budget, data.selections)
    nonce = data.nonce or new_nonce()
    canonical = canonical_ballot(budget_id=budget.id, config_hash=frozen.config_hash, selections=selections)
    voter_key = keys.voter_key(frozen.round_id, voter.person_key)
    return _Cast(
        round_id=frozen.round_id,
        budget_id=budget.id,
        voter_key=voter_key,
        config_hash=frozen.config_hash,
        selections=selections,
        nonce=nonce,
        receipt=receipt_of(nonce, canonical),
        idempotency_tag=(
            keys.tag(frozen.round_id, "idempotency", voter_key, idempotency_key) if idempotency_key else None
        ),
        request_tag=keys.tag(frozen.round_id, "request", voter_key, canonical, data.nonce or ""),
    )


async def _insert_participation(session: AsyncSession, cast: _Cast, sealed: str) -> bool:
    """Insert the voter's participation unless it exists; True when this call created it."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Participation)
        .values(
            budget_id=cast.budget_id,
            voter_key=cast.voter_key,
            sealed_ballot=sealed,
            idempotency_tag=cast.idempotency_tag,
            request_tag=cast.request_tag,
        )
        .on_conflict_do_nothing(index_elements=["budget_id", "voter_key"])
        .returning(col(Participation.voter_key))
    )
    return (await session.exec(statement)).first() is not None


async def _locked_participation(session: AsyncSession, budget_id: int, voter_key: str) -> Participation:
    query = (
        select(Participation)
        .where(Participation.budget_id == budget_id, Participation.voter_key == voter_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).one()


async def _insert_ballot(session: AsyncSession, cast: _Cast, ballot_id: uuid.UUID) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Ballot)
        .values(
            id=ballot_id,
            budget_id=cast.budget_id,
            config_hash=cast.config_hash,
            selections=cast.selections,
            receipt=cast.receipt,
        )
        .on_conflict_do_nothing(index_elements=["receipt"])
        .returning(col(Ballot.id))
    )
    if (await session.exec(statement)).first() is None:
        raise ReceiptReused(
            "this nonce was already used for the same ballot; send a fresh nonce", field="nonce"
        )


async def _replace(
    session: AsyncSession,
    cast: _Cast,
    existing: Participation,
    ballot_id: uuid.UUID,
    sealed: str,
    keys: VotingKeys,
) -> None:
    """Revote: remove the current ballot and store the new one, under the participation row's lock."""
    current = keys.open(
        cast.round_id, existing.sealed_ballot, budget_id=cast.budget_id, voter_key=cast.voter_key
    )
    removed = await session.exec(
        delete(Ballot).where(col(Ballot.id) == current.ballot_id, col(Ballot.budget_id) == cast.budget_id)
    )
    if removed.rowcount != 1:
        raise SealBroken("the ballot this voter's participation refers to is missing")
    await _insert_ballot(session, cast, ballot_id)
    existing.sealed_ballot = sealed
    existing.idempotency_tag = cast.idempotency_tag
    existing.request_tag = cast.request_tag
    session.add(existing)
    await session.flush()


async def _replay(
    session: AsyncSession, round_id: int, existing: Participation, keys: VotingKeys
) -> CastResult:
    current = keys.open(
        round_id, existing.sealed_ballot, budget_id=existing.budget_id, voter_key=existing.voter_key
    )
    ballot = await session.get(Ballot, current.ballot_id)
    if ballot is None:
        raise SealBroken("the ballot this voter's participation refers to is missing")
    return CastResult(
        ballot.receipt,
        current.nonce,
        ballot.budget_id,
        ballot.config_hash,
        stored_selections(ballot.selections),
        created=False,
    )
