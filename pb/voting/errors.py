"""Why a cast, a board request or the close of voting is refused; each with a stable code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pb.core.errors import Conflict, Forbidden, InvalidInput, Money, PhaseConflict
from pb.i18n.translator import Translator


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


@dataclass(frozen=True, slots=True)
class BallotProblem:
    """One thing wrong with a ballot: its code (ballots/'s), its sentence as a message id, the values it names."""

    code: str
    message: str
    values: Mapping[str, Any]
    project: str | None = None

    def public(self, words: Translator) -> dict[str, Any]:
        shown = {k: words.money(v.cents) if isinstance(v, Money) else v for k, v in self.values.items()}
        return {"code": self.code, "message": words.gettext(self.message, **shown), "project": self.project}


class InvalidBallot(InvalidInput):
    """A ballot its budget's format refuses; ``problems`` lists every problem, in the caller's language."""

    code = "invalid_ballot"
    title = "Invalid ballot"

    def __init__(self, detail: str, *, field: str | None = None, problems: Sequence[BallotProblem] = (),
                 **extra: Any) -> None:
        super().__init__(detail, field=field, **extra)
        self.problems = tuple(problems)

    def localized(self, words: Translator) -> dict[str, Any]:
        return {"problems": [p.public(words) for p in self.problems]} if self.problems else {}


class ReconciliationFailed(Conflict):
    code = "reconciliation_failed"
    title = "Participations and ballots do not reconcile"


class SealBroken(Conflict):
    code = "integrity_alarm"
    title = "A voting record failed its integrity check"
