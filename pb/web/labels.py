"""Names of pb's fixed values (phases, network kinds) as residents read them; translated when shown."""

from __future__ import annotations

from pb.core.models import BallotFormat, NetworkKind, Phase
from pb.i18n import LazyString, lazy_pgettext

PHASES: dict[Phase, LazyString] = {
    Phase.DRAFT: lazy_pgettext("phase", "Being prepared"),
    Phase.PROPOSALS: lazy_pgettext("phase", "Proposals"),
    Phase.DELIBERATION: lazy_pgettext("phase", "Deliberation"),
    Phase.VOTING: lazy_pgettext("phase", "Voting"),
    Phase.TALLYING: lazy_pgettext("phase", "Counting"),
    Phase.RESULTS: lazy_pgettext("phase", "Results"),
    Phase.IMPLEMENTATION: lazy_pgettext("phase", "Implementation"),
    Phase.CLOSED: lazy_pgettext("phase", "Closed"),
}

NETWORK_KINDS: dict[NetworkKind, LazyString] = {
    NetworkKind.REGIONAL: lazy_pgettext("network kind", "Regional network"),
    NetworkKind.THEME: lazy_pgettext("network kind", "Theme network"),
    NetworkKind.BUSINESS: lazy_pgettext("network kind", "Business network"),
}

NETWORK_KINDS_PLURAL: dict[NetworkKind, LazyString] = {
    NetworkKind.REGIONAL: lazy_pgettext("network filter", "Regional networks"),
    NetworkKind.THEME: lazy_pgettext("network filter", "Theme networks"),
    NetworkKind.BUSINESS: lazy_pgettext("network filter", "Business network"),
}

BALLOT_FORMATS: dict[BallotFormat, LazyString] = {
    BallotFormat.APPROVAL: lazy_pgettext("ballot format", "Choose projects"),
    BallotFormat.KNAPSACK: lazy_pgettext("ballot format", "Choose projects within the budget"),
    BallotFormat.CUMULATIVE: lazy_pgettext("ballot format", "Give points"),
    BallotFormat.RANKED: lazy_pgettext("ballot format", "Put projects in order"),
}
