"""Who may vote in a budget: minimum age on the last voting day, home municipality, postal code in the area.

Rules are checked on the server from the e-ID's population-register claims, when residents list their budgets
and again at every cast.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pb.i18n.lazy import LazyString, lazy_gettext
from pb.i18n.translator import Translator, translator

FINLAND = ZoneInfo("Europe/Helsinki")

MESSAGES: dict[str, LazyString] = {
    "age-unknown": lazy_gettext("your e-identification did not give your date of birth"),
    "too-young": lazy_gettext("voters must be at least %(min_age)s years old on %(day)s"),
    "municipality-unknown": lazy_gettext("your e-identification did not give your home municipality"),
    "other-municipality": lazy_gettext("only residents of the municipality may vote"),
    "postal-code-unknown": lazy_gettext("your e-identification did not give your postal code"),
    "outside-area": lazy_gettext("only residents of the network's area may vote in this budget"),
}
"""Why a resident may not vote, by reason code: message ids with the verdict's values as placeholders."""


class VoterClaims(Protocol):
    """What eligibility needs of a signed-in resident (pb.auth.identity.Resident provides it)."""

    @property
    def person_key(self) -> str: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def municipality_code(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Rules:
    """A budget's eligibility rules; ``None`` means the rule does not apply."""

    min_age: int
    last_voting_day: date
    municipality_code: str | None
    postal_codes: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool
    reason: str | None = None
    """Stable code: age-unknown, too-young, municipality-unknown, other-municipality, postal-code-unknown,
    outside-area."""
    values: Mapping[str, int | date] = field(default_factory=dict)
    """What the reason's sentence names (too-young: ``min_age`` and the last voting ``day``)."""

    @property
    def message_id(self) -> str | None:
        return MESSAGES[self.reason].message if self.reason is not None else None

    def sentence(self, words: Translator) -> str | None:
        """Why not, in ``words``' language; None when eligible."""
        if self.reason is None:
            return None
        shown = {k: words.date(v) if isinstance(v, date) else words.number(v) for k, v in self.values.items()}
        return MESSAGES[self.reason].render(words, **shown)

    @property
    def message(self) -> str | None:
        return self.sentence(translator("en"))


ELIGIBLE = Verdict(True)


def rules_for(
    *,
    min_age: int,
    voting_ends_at: datetime | None,
    now: datetime,
    municipality_code: str | None,
    postal_codes: Collection[str] | None,
) -> Rules:
    return Rules(
        min_age=min_age,
        last_voting_day=last_voting_day(voting_ends_at, now=now),
        municipality_code=municipality_code,
        postal_codes=frozenset(postal_codes) if postal_codes is not None else None,
    )


def last_voting_day(voting_ends_at: datetime | None, *, now: datetime) -> date:
    """The Finnish calendar day on which voting ends (today when no window is planned)."""
    moment = voting_ends_at - timedelta(microseconds=1) if voting_ends_at is not None else now
    return moment.astimezone(FINLAND).date()


def age_on(birth_date: date, day: date) -> int:
    """Completed years; someone born on 29 February comes of age on 28 February in common years."""
    birthday_month, birthday_day = birth_date.month, birth_date.day
    if (birthday_month, birthday_day) == (2, 29) and not calendar.isleap(day.year):
        birthday_day = 28
    return day.year - birth_date.year - ((day.month, day.day) < (birthday_month, birthday_day))


def judge(voter: VoterClaims, rules: Rules) -> Verdict:
    """Whether ``voter`` may vote under ``rules``, and if not, the first reason why."""
    if voter.birth_date is None:
        return Verdict(False, "age-unknown")
    if age_on(voter.birth_date, rules.last_voting_day) < rules.min_age:
        return Verdict(False, "too-young", {"min_age": rules.min_age, "day": rules.last_voting_day})
    if rules.municipality_code is not None:
        if voter.municipality_code is None:
            return Verdict(False, "municipality-unknown")
        if voter.municipality_code != rules.municipality_code:
            return Verdict(False, "other-municipality")
    if rules.postal_codes is not None:
        if voter.postal_code is None:
            return Verdict(False, "postal-code-unknown")
        if voter.postal_code not in rules.postal_codes:
            return Verdict(False, "outside-area")
    return ELIGIBLE
