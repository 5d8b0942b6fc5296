"""A cast from request to result: what the route received, the checked and keyed cast ready to store (canonical
selections, receipt, voter key, request tags), and what the resident gets back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pb.voting.eligibility import Verdict, VoterClaims, judge, rules_for
from pb.voting.frozen import FrozenBudget, FrozenRound
from pb.voting.keys import SealedRef, VotingKeys
from pb.voting.receipts import Selections, canonical_ballot, new_nonce, receipt_of
from pb.voting.schemas import BallotCast
from pb.voting.validation import checked_selections


@dataclass(frozen=True, slots=True)
class CastRequest:
    """A cast as the route received it: the budget, the verified token's session (its row not read yet), the body,
    the Idempotency-Key, and the service clock's time the token was judged at."""

    budget_id: int
    session_id: str
    data: BallotCast
    idempotency_key: str | None
    now: datetime


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
class PreparedCast:
    round_id: int
    budget_id: int
    voter_key: str
    config_hash: str
    selections: Selections
    nonce: str
    receipt: str
    idempotency_tag: str | None
    request_tag: str


def prepare_cast(
    frozen: FrozenRound,
    budget: FrozenBudget,
    voter: VoterClaims,
    data: BallotCast,
    idempotency_key: str | None,
    keys: VotingKeys,
) -> PreparedCast:
    """Check the ballot against the budget's frozen format (InvalidBallot if it breaks it) and key it."""
    selections = checked_selections(budget, data.selections)
    nonce = data.nonce or new_nonce()
    canonical = canonical_ballot(budget_id=budget.id, config_hash=frozen.config_hash, selections=selections)
    voter_key = keys.voter_key(frozen.round_id, voter.person_key)
    return PreparedCast(
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


def eligibility(
    frozen: FrozenRound, budget: FrozenBudget, voter: VoterClaims, *, municipality_code: str, now: datetime
) -> Verdict:
    """Whether ``voter`` may vote in the budget under the frozen rules (``municipality_code``: the round's)."""
    return judge(
        voter,
        rules_for(
            min_age=budget.min_age,
            voting_ends_at=frozen.voting_ends_at,
            now=now,
            municipality_code=municipality_code if frozen.residence_required else None,
            postal_codes=budget.postal_codes,
        ),
    )


def sealed_new_ballot(keys: VotingKeys, cast: PreparedCast) -> tuple[uuid.UUID, str]:
    """A fresh ballot id, and the participation's seal over it and the receipt nonce."""
    ballot_id = uuid.uuid4()
    sealed = keys.seal(
        cast.round_id, SealedRef(ballot_id, cast.nonce), budget_id=cast.budget_id, voter_key=cast.voter_key
    )
    return ballot_id, sealed
