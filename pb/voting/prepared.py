"""A cast checked and keyed, ready to store: canonical selections, receipt, voter key and request tags."""

from __future__ import annotations

from dataclasses import dataclass

from pb.voting.eligibility import VoterClaims
from pb.voting.frozen import FrozenBudget, FrozenRound
from pb.voting.keys import VotingKeys
from pb.voting.receipts import Selections, canonical_ballot, new_nonce, receipt_of
from pb.voting.schemas import BallotCast
from pb.voting.validation import checked_selections


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
