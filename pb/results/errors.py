"""Why a results action is refused; each with a stable code."""

from __future__ import annotations

from pb.core.errors import Conflict


class BallotSetChanged(Conflict):
    code = "ballot_set_changed"
    title = "The ballot set no longer matches the one tallied"


class ResultPublished(Conflict):
    code = "result_published"
    title = "A published result never changes"


class ResultNotReady(Conflict):
    code = "result_not_ready"
    title = "The result is not at the stage this needs"


class ResultsNotPublished(Conflict):
    code = "results_not_published"
    title = "The round's results are not published yet"


class SigningKeyMissing(Conflict):
    code = "signing_key_missing"
    title = "No manifest signing key is configured for the municipality"


class SmallCountNotAcknowledged(Conflict):
    code = "small_count_not_acknowledged"
    title = "Publishing a budget with few ballots needs an explicit acknowledgement"


class TallyFailed(Conflict):
    """The tally could not be computed; what led to it (voting closing) and the failure's audit entry are kept."""

    code = "tally_failed"
    title = "The tally failed"
    keeps_changes = True
