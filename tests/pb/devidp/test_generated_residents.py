"""Generated residents of the development identity provider: many distinct, valid, realistic test people."""

from __future__ import annotations

from collections import Counter
from datetime import date

import httpx
import pytest

from pb.devidp.persons import GENERATED_MAX, HETU_CHECK, PERSONS, find_person, generated_person
from tests.pb.signin.helpers import follow


def _check_character_is_right(hetu: str) -> bool:
    return HETU_CHECK[int(hetu[:6] + hetu[7:10]) % 31] == hetu[10]


def test_generated_residents_are_distinct_people_with_valid_identity_codes() -> None:
    people = [generated_person(n) for n in range(1, 40_001)]
    codes = {p.national_id for p in people} | {p.national_id for p in PERSONS}

    assert len(codes) == len(people) + len({p.national_id for p in PERSONS})
    assert all(_check_character_is_right(p.national_id) for p in people)
    assert all(900 <= p.individual <= 999 for p in people)
    assert len({p.subject for p in people}) == len(people)


def test_generated_residents_spread_over_areas_and_ages() -> None:
    people = [generated_person(n) for n in range(1, 2_001)]
    areas = Counter(p.postal_code for p in people)
    ages = [2027 - p.birth_date.year for p in people]

    assert {"04300", "04320", "04500", "05400", "04400"} <= set(areas)
    assert 0.02 < areas["04400"] / len(people) < 0.1  # some live in another municipality
    assert min(ages) < 15 and max(ages) > 85
    assert sum(age < 15 for age in ages) > 50  # under every round's voting age


def test_a_generated_resident_is_the_same_person_every_time() -> None:
    assert generated_person(4321) == generated_person(4321)
    assert find_person("gen-4321") == generated_person(4321)
    assert generated_person(GENERATED_MAX).birth_date >= date(1936, 1, 1)


@pytest.mark.parametrize("person_id", ["gen-0", "gen--1", "gen-abc", f"gen-{GENERATED_MAX + 1}", "gen-", "nobody"])
def test_other_ids_are_no_one(person_id: str) -> None:
    assert find_person(person_id) is None


async def test_a_resident_signs_in_as_a_generated_resident_by_number(browser: httpx.AsyncClient) -> None:
    to_idp = await browser.get("/auth/login")
    page = await follow(browser, to_idp)
    assert 'name=generated' in page.text
    to_callback = await follow(browser, to_idp, generated="1234")
    signed_in = await follow(browser, to_callback)

    assert signed_in.status_code == 200, signed_in.text
    resident = signed_in.json()["resident"]
    person = generated_person(1234)
    assert resident["postal_code"] == person.postal_code
    assert resident["municipality_code"] == person.municipality_code


@pytest.mark.parametrize("number", ["0", "x", "99999999"])
async def test_a_generated_resident_number_out_of_range_is_refused(browser: httpx.AsyncClient, number: str) -> None:
    to_idp = await browser.get("/auth/login")

    refused = await follow(browser, to_idp, generated=number)

    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "person"
