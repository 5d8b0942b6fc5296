"""Test residents, in the spirit of the Suomi.fi test persons. Their identity codes use the test range 900-999."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SUBSTANTIAL = "http://ftn.ficora.fi/2017/loa2"
HIGH = "http://ftn.ficora.fi/2017/loa3"
LOW = "http://eidas.europa.eu/LoA/low"


def make_hetu(birth_date: date, individual: int) -> str:
    """A personal identity code with a correct check character."""
    digits = f"{birth_date:%d%m}{birth_date.year % 100:02d}{individual:03d}"
    sign = {18: "+", 19: "-", 20: "A"}[birth_date.year // 100]
    return f"{digits[:6]}{sign}{digits[6:]}{HETU_CHECK[int(digits) % 31]}"


@dataclass(frozen=True, slots=True)
class DevPerson:
    id: str
    subject: str
    """The provider's subject: differs per e-ID method, like a broker's pairwise identifiers."""
    name: str
    birth_date: date
    individual: int
    municipality_code: str
    postal_code: str
    acr: str
    note: str

    @property
    def national_id(self) -> str:
        return make_hetu(self.birth_date, self.individual)


PERSONS: tuple[DevPerson, ...] = (
    DevPerson("aino", "dev-7f3a01", "Aino Virtanen", date(1985, 3, 14), 901, "858", "04300", SUBSTANTIAL,
               "Tuusula, Hyrylä (04300)"),
    DevPerson("matti", "dev-7f3a02", "Matti Korhonen", date(1972, 7, 2), 902, "858", "04320", SUBSTANTIAL,
               "Tuusula, Riihikallio (04320)"),
    DevPerson("liisa", "dev-7f3a03", "Liisa Mäkinen", date(1990, 11, 30), 903, "858", "05400", SUBSTANTIAL,
               "Tuusula, Jokela (05400)"),
    DevPerson("juhani", "dev-7f3a04", "Juhani Nieminen", date(1958, 5, 21), 904, "858", "04500", HIGH,
               "Tuusula, Kellokoski (04500)"),
    DevPerson("eetu", "dev-7f3a05", "Eetu Laine", date(2013, 6, 1), 905, "858", "04300", SUBSTANTIAL,
               "Tuusula, Hyrylä, 14 years old in the 2027 vote"),
    DevPerson("pekka", "dev-7f3a06", "Pekka Järvinen", date(1979, 9, 9), 906, "186", "04400", SUBSTANTIAL,
               "Järvenpää resident (another municipality)"),
    DevPerson("sanna-bank", "dev-7f3a07", "Sanna Lahtinen", date(1988, 2, 29), 907, "858", "04330",
               SUBSTANTIAL, "Tuusula, Hyrylä, signing in with online bank codes"),
    DevPerson("sanna-mobile", "dev-7f3a08", "Sanna Lahtinen", date(1988, 2, 29), 907, "858", "04330", HIGH,
               "the same Sanna, signing in with a mobile certificate (same identity code, other subject)"),
    DevPerson("heikki", "dev-7f3a09", "Heikki Heikkinen", date(1966, 12, 24), 909, "858", "04310", LOW,
               "Tuusula, Hyrylä, a weak sign-in method (level of assurance too low)"),
)
BY_ID = {person.id: person for person in PERSONS}

GENERATED_PREFIX = "gen-"
GENERATED_MAX = 1_000_000
"""Generated residents ``gen-1`` .. ``gen-1000000``: as many test people as a demo turnout needs."""
_AREAS = (
    # (municipality code, postal code, where), weighted roughly by population; one in twenty lives elsewhere.
    *(("858", "04300", "Tuusula, Hyrylä"),) * 6,
    *(("858", "04310", "Tuusula, Hyrylä"),) * 2,
    *(("858", "04320", "Tuusula, Riihikallio"),) * 3,
    *(("858", "04330", "Tuusula, Lahela"),) * 2,
    *(("858", "04500", "Tuusula, Kellokoski"),) * 2,
    *(("858", "05400", "Tuusula, Jokela"),) * 4,
    ("186", "04400", "Järvenpää (another municipality)"),
)
_FIRST = ("Aada", "Eino", "Helmi", "Ilmari", "Kerttu", "Lauri", "Minea", "Oskari", "Pihla", "Rasmus", "Selma",
          "Toivo", "Venla", "Väinö", "Ella", "Onni", "Linnea", "Elias", "Saga", "Leo")
_LAST = ("Aaltonen", "Heikkilä", "Hämäläinen", "Koskinen", "Lehtonen", "Mattila", "Niemi", "Rantanen",
         "Saarinen", "Salo", "Tuominen", "Virtanen", "Lindholm", "Nyström", "Öhman")
_BORN_FROM = date(1936, 1, 1)
_BIRTH_DAYS = (date(2016, 1, 1) - _BORN_FROM).days
"""Birth dates spread over 80 years: the youngest generated residents are under every round's voting age."""
_STRIDE = 7919
"""A prime that does not divide ``_BIRTH_DAYS``, so consecutive numbers get birth dates far apart."""


def generated_person(number: int) -> DevPerson:
    """Generated resident ``number``: the same person every time, with a unique, valid test identity code.

    The birth date is a permutation of the number within 80 years and the individual number (999 downwards)
    counts the rounds of that permutation, so no two generated residents, nor a fixed test person (901-909),
    share an identity code.
    """
    if not 1 <= number <= GENERATED_MAX:
        raise ValueError(f"generated residents are numbered 1 to {GENERATED_MAX}")
    born = _BORN_FROM + timedelta(days=number * _STRIDE % _BIRTH_DAYS)
    municipality, postal_code, where = _AREAS[number % len(_AREAS)]
    name = f"{_FIRST[number % len(_FIRST)]} {_LAST[number // len(_FIRST) % len(_LAST)]}"
    return DevPerson(f"{GENERATED_PREFIX}{number}", f"dev-gen-{number}", name, born, 999 - number // _BIRTH_DAYS,
                     municipality, postal_code, SUBSTANTIAL, f"generated resident {number}: {where}, born {born.year}")


def find_person(person_id: str) -> DevPerson | None:
    """A fixed test person by id, or a generated resident (``gen-N``); None for anything else."""
    if person_id in BY_ID:
        return BY_ID[person_id]
    number = person_id.removeprefix(GENERATED_PREFIX)
    if person_id.startswith(GENERATED_PREFIX) and number.isdecimal() and len(number) <= 7:
        with contextlib.suppress(ValueError):
            return generated_person(int(number))
    return None
