"""The demo's residents: the development IdP's test persons, and made-up neighbours who support, comment and vote.

Each is known to pb the way a signed-in resident is: by the person key derived from their identity code with
this deployment's voter-key secret, so that a test person who signs in through the development IdP finds their
own proposals, supports and ballots. Neighbours' identity codes are in the test range (individual numbers 900-999)
and never sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import IdentityClaims, person_key
from pb.auth.sessions import open_session
from pb.core.models import Role
from pb.core.settings import Settings
from pb.devidp.persons import BY_ID, SUBSTANTIAL, make_hetu
from pb.proposals.participants import Participant, author_key

ISSUER = "https://demo.pb.invalid"
"""Only the identity code goes into the person key; the issuer is recorded nowhere."""

AREAS = {
    "hyryla": ("04300", "04310", "04330", "04340"),
    "riihikallio": ("04320", "04360", "04370"),
    "jokela": ("05400", "05450"),
    "kellokoski": ("04500", "04380"),
}
"""Postal codes of the regional networks (as in :data:`pb.demo.tuusula.NETWORKS`), for placing neighbours."""


@dataclass(frozen=True, slots=True)
class DemoResident:
    name: str
    claims: IdentityClaims
    person_key: str

    @property
    def birth_date(self) -> date | None:
        return self.claims.birth_date

    @property
    def municipality_code(self) -> str | None:
        return self.claims.municipality_code

    @property
    def postal_code(self) -> str | None:
        return self.claims.postal_code

    @property
    def participant(self) -> Participant:
        """The resident as deliberation sees them, with the claims its participation rules read."""
        key = author_key(self.person_key)
        return Participant(key=key, role=Role.RESIDENT, actor=f"resident:{key[:12]}", display_name=self.name,
                           claims=self)

    async def session_id(self, session: AsyncSession, settings: Settings, *, now: datetime) -> str:
        """A fresh resident session, as signing in opens one."""
        _, resident = await open_session(session, settings, claims=self.claims, now=now)
        return resident.session_id


def _resident(settings: Settings, name: str, birth_date: date, hetu: str, postal_code: str) -> DemoResident:
    claims = IdentityClaims(
        issuer=ISSUER, subject=hetu, national_id=hetu, birth_date=birth_date, municipality_code="858",
        postal_code=postal_code, acr=SUBSTANTIAL, name=name,
    )
    return DemoResident(name, claims, person_key(claims, master=settings.voter_key_master))


def dev_person(settings: Settings, person_id: str) -> DemoResident:
    """A test person of the development IdP (``aino``, ``matti``...)."""
    person = BY_ID[person_id]
    return _resident(settings, person.name, person.birth_date, person.national_id, person.postal_code)


FIRST_NAMES = ("Anna", "Juha", "Maria", "Timo", "Helena", "Kari", "Johanna", "Jari", "Elina", "Antti", "Kaisa",
               "Mika", "Laura", "Petri", "Sofia", "Ville", "Emma", "Jukka", "Noora", "Oskari")
LAST_NAMES = ("Lehtonen", "Salo", "Heinonen", "Kinnunen", "Turunen", "Rantanen", "Laitinen", "Hämäläinen",
              "Karjalainen", "Lindholm", "Ahonen", "Koivisto", "Söderberg", "Mattila", "Savolainen")


def neighbours(settings: Settings, area: str, count: int, *, offset: int = 0) -> list[DemoResident]:
    """``count`` made-up residents of a regional network's area (or, for any other name, of Hyrylä)."""
    codes = AREAS.get(area, AREAS["hyryla"])
    area_number = sorted(AREAS).index(area) + 1 if area in AREAS else 5
    people = []
    for i in range(offset, offset + count):
        birth = date(1950 + (i * 7) % 55, 1 + i % 12, 1 + (i * 3) % 28)
        hetu = make_hetu(birth, 910 + (area_number * 17 + i) % 90)
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7 + area_number) % len(LAST_NAMES)]}"
        people.append(_resident(settings, name, birth, hetu, codes[i % len(codes)]))
    return people
