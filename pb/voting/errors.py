"""Why a cast, a board request or the close of voting is refused; each with a stable code."""

from __future__ import annotations

from pb.core.errors import Conflict, Forbidden, InvalidInput, PhaseConflict


class VotingClosed(PhaseConflict):
    code = "voting_closed"
    title = "Voting is not open"


class StaleConfig(Conflict):
    code = "stale_config"
    title = "The ballot was made for another configuration"


class ConfigDrift(Conflict):
    code = "config_drift"
    title = "The round's configuration no longer matches what was frozen"


class AlreadyVoted(Conflict):
    code = "already_voted"
    title = "Already voted"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = "Idempotency-Key reused with a different request"


class ReceiptReused(Conflict):
    code = "receipt_reused"
    title = "Receipt already taken"


class NotEligible(Forbidden):
    code = "not_eligible"
    title = "Not eligible to vote in this budget"


class InvalidBallot(InvalidInput):
    code = "invalid_ballot"
    title = "Invalid ballot"


class ReconciliationFailed(Conflict):
    code = "reconciliation_failed"
    title = "Participations and ballots do not reconcile"


class SealBroken(Conflict):
    code = "integrity_alarm"
    title = "A voting record failed its integrity check"
