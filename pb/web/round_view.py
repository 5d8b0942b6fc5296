"""A round as residents see it: its name, phase, timeline and what they can do now; shared by several pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pb.core.models import PHASES, Phase, RoundPhase
from pb.i18n import LazyString, Locale, Translator
from pb.municipalities.overview import CurrentRound
from pb.web.labels import PHASES as PHASE_LABELS
from pb.web.views import Localized, localized


@dataclass(frozen=True, slots=True)
class Step:
    phase: Phase
    label: LazyString
    starts_at: datetime
    ends_at: datetime
    state: str
    """``done``, ``current`` or ``upcoming``: the timeline marks the current step for screen readers too."""


@dataclass(frozen=True, slots=True)
class RoundView:
    name: Localized
    slug: str
    phase: Phase
    phase_label: LazyString
    timeline: list[Step]
    now_you_can: list[str]
    """Sentences saying what a resident can do in this phase, with its dates."""
    total: int
    """The round's money in all budgets, in cents."""


def _window(windows: Sequence[RoundPhase], phase: Phase) -> RoundPhase | None:
    return next((w for w in windows if w.phase == phase.value), None)


def timeline(windows: Sequence[RoundPhase], current: Phase) -> list[Step]:
    position = PHASES.index(current)
    steps = []
    for window in windows:
        phase = Phase(window.phase)
        if phase is Phase.CLOSED:
            continue  # the round's end, not a step residents take part in
        index = PHASES.index(phase)
        state = "done" if index < position else "current" if index == position else "upcoming"
        steps.append(Step(phase, PHASE_LABELS[phase], window.starts_at, window.ends_at, state))
    return steps


def now_you_can(windows: Sequence[RoundPhase], phase: Phase, t: Translator) -> list[str]:
    """What this phase offers residents, as whole sentences (never built from pieces)."""
    window = _window(windows, phase)
    until = t.date(window.ends_at) if window else None
    if phase is Phase.DRAFT:
        opening = _window(windows, Phase.PROPOSALS)
        if opening is None:
            return [t.gettext("The round is being prepared. Its timetable will be published here.")]
        return [t.gettext("The round is being prepared. You can send proposals from %(date)s.",
                          date=t.date(opening.starts_at))]
    if phase is Phase.PROPOSALS:
        if until is None:
            return [t.gettext("You can send proposals now.")]
        return [t.gettext("You can send proposals until %(date)s.", date=until)]
    if phase is Phase.DELIBERATION:
        return [t.gettext("You can comment on and support proposals, and ask the municipality questions.")]
    if phase is Phase.VOTING:
        if until is None:
            return [t.gettext("Voting is open. Sign in to vote.")]
        return [t.gettext("Voting is open until %(date)s. Sign in to vote.", date=until)]
    if phase is Phase.TALLYING:
        return [t.gettext("Voting has closed. The votes are being counted.")]
    if phase is Phase.RESULTS:
        return [t.gettext("The results have been published.")]
    if phase is Phase.IMPLEMENTATION:
        return [t.gettext("The funded projects are being carried out. You can follow their progress.")]
    return [t.gettext("This round has ended.")]


def round_view(current: CurrentRound, t: Translator, locale: Locale) -> RoundView:
    phase = Phase(current.round.phase)
    return RoundView(
        name=localized(current.round.name, locale),
        slug=current.round.slug,
        phase=phase,
        phase_label=PHASE_LABELS[phase],
        timeline=timeline(current.windows, phase),
        now_you_can=now_you_can(current.windows, phase, t),
        total=sum(b.amount for b in current.budgets),
    )
