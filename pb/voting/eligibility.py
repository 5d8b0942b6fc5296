"""Who may vote in a budget: minimum age on the last voting day, home municipality, postal code in the area.

Rules are checked on the server from the e-ID's population-register claims, when residents list their budgets
and again at every cast.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

FINLAND = ZoneInfo("Europe/Helsinki")


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
    message: str | None = None


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
        return Verdict(False, "age-unknown", "your e-identification did not give your date of birth")
    if age_on(voter.birth_date, rules.last_voting_day) < rules.min_age:
        day = rules.last_voting_day.isoformat()
        return Verdict(False, "too-young", f"voters must be at least {rules.min_age} years old on {day}")
    if rules.municipality_code is not None:
        if voter.municipality_code is None:
            return Verdict(
                False, "municipality-unknown", "your e-identification did not give your home municipality"
            )
        if voter.municipality_code != rules.municipality_code:
            return Verdict(False, "other-municipality", "only residents of the municipality may vote")
    if rules.postal_codes is not None:
        if voter.postal_code is None:
            return Verdict(
                False, "postal-code-unknown", "your e-identification did not give your postal code"
            )
        if voter.postal_code not in rules.postal_codes:
            return Verdict(
                False, "outside-area", "only residents of the network's area may vote in this budget"
            )
    return ELIGIBLE
