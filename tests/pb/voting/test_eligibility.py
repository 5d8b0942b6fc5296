"""Eligibility rules on their own: age on the last voting day, municipality, area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pb.voting.eligibility import age_on, judge, last_voting_day, rules_for


@dataclass(frozen=True)
class Claims:
    person_key: str = "p"
    birth_date: date | None = date(2000, 1, 1)
    municipality_code: str | None = "858"
    postal_code: str | None = "04300"


def test_someone_born_on_29_february_comes_of_age_on_28_february_in_a_common_year() -> None:
    assert age_on(date(2012, 2, 29), date(2027, 2, 27)) == 14
    assert age_on(date(2012, 2, 29), date(2027, 2, 28)) == 15
    assert age_on(date(2012, 2, 29), date(2028, 2, 28)) == 15
    assert age_on(date(2012, 2, 29), date(2028, 2, 29)) == 16


def test_the_last_voting_day_is_the_finnish_date_before_the_window_closes() -> None:
    assert last_voting_day(datetime(2027, 9, 30, 21, 0, tzinfo=UTC), now=datetime(2027, 1, 1, tzinfo=UTC)) == date(
        2027, 9, 30)  # midnight in Helsinki: voting ended at the end of 30 September
    assert last_voting_day(datetime(2027, 9, 30, 20, 0, tzinfo=UTC), now=datetime(2027, 1, 1, tzinfo=UTC)) == date(
        2027, 9, 30)


def test_verdicts_name_the_first_failed_rule() -> None:
    rules = rules_for(min_age=15, voting_ends_at=datetime(2027, 9, 30, 17, 0, tzinfo=UTC),
                      now=datetime(2027, 9, 1, tzinfo=UTC), municipality_code="858", postal_codes={"04300"})

    assert judge(Claims(), rules).eligible
    assert judge(Claims(birth_date=None), rules).reason == "age-unknown"
    assert judge(Claims(birth_date=date(2012, 10, 1)), rules).reason == "too-young"
    assert judge(Claims(municipality_code="186"), rules).reason == "other-municipality"
    assert judge(Claims(municipality_code=None), rules).reason == "municipality-unknown"
    assert judge(Claims(postal_code="05400"), rules).reason == "outside-area"
    assert judge(Claims(postal_code=None), rules).reason == "postal-code-unknown"
    open_to_all = rules_for(min_age=15, voting_ends_at=None, now=datetime(2027, 9, 1, tzinfo=UTC),
                            municipality_code=None, postal_codes=None)
    assert judge(Claims(municipality_code="186", postal_code=None), open_to_all).eligible
