"""Names of pb's fixed values (phases, network kinds, proposal stages...) as residents read them, translated."""

from __future__ import annotations

from pb.core.models import BallotFormat, NetworkKind, Phase
from pb.i18n import LazyString, lazy_pgettext
from pb.proposals.deliberation_schemas import Offer, VolunteerKind
from pb.proposals.models import Feasibility, ProposalStatus

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

PROPOSAL_STATUSES: dict[ProposalStatus, LazyString] = {
    ProposalStatus.SUBMITTED: lazy_pgettext("proposal stage", "Submitted"),
    ProposalStatus.ADVANCED: lazy_pgettext("proposal stage", "Advanced"),
    ProposalStatus.NOT_ADVANCED: lazy_pgettext("proposal stage", "Did not advance"),
    ProposalStatus.MERGED: lazy_pgettext("proposal stage", "Merged"),
    ProposalStatus.ON_BALLOT: lazy_pgettext("proposal stage", "On the ballot"),
}

FEASIBILITY: dict[Feasibility, LazyString] = {
    Feasibility.FEASIBLE: lazy_pgettext("feasibility", "Feasible"),
    Feasibility.FEASIBLE_WITH_CHANGES: lazy_pgettext("feasibility", "Feasible with changes"),
    Feasibility.NOT_FEASIBLE: lazy_pgettext("feasibility", "Not feasible"),
    Feasibility.OUT_OF_SCOPE: lazy_pgettext("feasibility", "Outside participatory budgeting"),
}

THEMES: dict[str, LazyString] = {
    "liikunta": lazy_pgettext("theme", "Sport and exercise"),
    "luonto": lazy_pgettext("theme", "Nature"),
    "kulttuuri": lazy_pgettext("theme", "Culture"),
    "yhteiso": lazy_pgettext("theme", "Community"),
    "nuoret": lazy_pgettext("theme", "Young people"),
    "viihtyisyys": lazy_pgettext("theme", "Pleasant surroundings"),
    "turvallisuus": lazy_pgettext("theme", "Safety"),
    "elinkeinot": lazy_pgettext("theme", "Business and work"),
}
"""The themes residents pick from (stored by their Finnish ids, as the demo's and the API's proposals are)."""

OFFERS: dict[Offer, LazyString] = {
    Offer.TIME: lazy_pgettext("volunteer offer", "Time"),
    Offer.SKILLS: lazy_pgettext("volunteer offer", "Skills"),
    Offer.SPACE: lazy_pgettext("volunteer offer", "Space"),
    Offer.MATERIALS: lazy_pgettext("volunteer offer", "Materials"),
}

VOLUNTEER_KINDS: dict[VolunteerKind, LazyString] = {
    VolunteerKind.RESIDENT: lazy_pgettext("volunteer kind", "As a resident"),
    VolunteerKind.ASSOCIATION: lazy_pgettext("volunteer kind", "For an association"),
    VolunteerKind.BUSINESS: lazy_pgettext("volunteer kind", "For a business"),
}
