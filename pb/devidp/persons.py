"""Test residents, in the spirit of the Suomi.fi test persons. Their identity codes use the test range 900-999."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
