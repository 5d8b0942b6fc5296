"""The demo municipality: Tuusula with its development networks and a 2027 budget round, in fi/sv/en.

Postal codes are illustrative: they place each network roughly, not as Tuusula's official area map.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb import audit
from pb.auth.principal import Principal
from pb.budgets.schemas import BudgetCreate
from pb.budgets.service import create_budget
from pb.models import BallotFormat, BudgetRound, Municipality, NetworkKind, Role
from pb.municipalities.schemas import MunicipalityCreate
from pb.municipalities.service import create_municipality
from pb.networks.schemas import NetworkCreate
from pb.networks.service import create_network
from pb.rounds.schemas import RoundCreate, Schedule
from pb.rounds.service import create_round
from pb.schemas import LocalizedName

DEMO_ACTOR = Principal(subject="demo-loader", role=Role.ADMIN)
NETWORK_BUDGET = 250_000
"""2,500 EUR per network, in cents, as Tuusula gave its networks in 2017."""

NETWORKS: list[dict[str, object]] = [
    {"slug": "hyryla", "kind": "regional", "name": {"fi": "Hyrylän kehittämisverkosto",
     "sv": "Hyrylä utvecklingsnätverk", "en": "Hyrylä development network"},
     "postal_codes": ["04300", "04310", "04330", "04340"],
     "core_team": ["Mikko Heikkilä", "Sari Koskinen", "Hyrylän Nuorisoseura ry"]},
    {"slug": "riihikallio", "kind": "regional", "name": {"fi": "Riihikallion kehittämisverkosto",
     "sv": "Riihikallio utvecklingsnätverk", "en": "Riihikallio development network"},
     "postal_codes": ["04320", "04360", "04370"]},
    {"slug": "jokela", "kind": "regional", "name": {"fi": "Jokelan kehittämisverkosto",
     "sv": "Jokela utvecklingsnätverk", "en": "Jokela development network"},
     "postal_codes": ["05400", "05450"]},
    {"slug": "kellokoski", "kind": "regional", "name": {"fi": "Kellokosken kehittämisverkosto",
     "sv": "Kellokoski utvecklingsnätverk", "en": "Kellokoski development network"},
     "postal_codes": ["04500", "04380"]},
    {"slug": "luonto-ja-liikunta", "kind": "theme", "name": {"fi": "Luonto ja liikunta -teemaverkosto",
     "sv": "Temanätverket natur och motion", "en": "Nature and exercise theme network"}},
    {"slug": "elinkeinoverkosto", "kind": "business", "name": {"fi": "Elinkeinoverkosto",
     "sv": "Näringslivsnätverket", "en": "Business network"}},
]

COORDINATOR = {"name": "Riikka Salminen", "email": "verkostot@tuusula.example"}
"""A made-up participation and network coordinator (the .example domain receives no mail)."""

DESCRIPTION = {
    "regional": {"fi": "Alueen asukkaiden, yhdistysten ja yritysten avoin verkosto.",
                 "sv": "Ett öppet nätverk för områdets invånare, föreningar och företag.",
                 "en": "An open network of the area's residents, associations and businesses."},
    "theme": {"fi": "Teeman ympärille syntynyt avoin verkosto, joka ylittää alueiden rajat.",
              "sv": "Ett öppet nätverk kring ett tema, över områdesgränserna.",
              "en": "An open network around a theme, across area borders."},
    "business": {"fi": "Tuusulan yritysten ja yrittäjien avoin verkosto.",
                 "sv": "Ett öppet nätverk för företag och företagare i Tusby.",
                 "en": "An open network of Tuusula's businesses and entrepreneurs."},
}


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 6, 0, tzinfo=UTC)


SCHEDULE = Schedule.model_validate({"phases": [
    {"phase": "proposals", "starts_at": _at(2027, 2, 1), "ends_at": _at(2027, 3, 31)},
    {"phase": "deliberation", "starts_at": _at(2027, 4, 1), "ends_at": _at(2027, 5, 31)},
    {"phase": "voting", "starts_at": _at(2027, 9, 1), "ends_at": _at(2027, 9, 30)},
    {"phase": "tallying", "starts_at": _at(2027, 10, 1), "ends_at": _at(2027, 10, 7)},
    {"phase": "results", "starts_at": _at(2027, 10, 8), "ends_at": _at(2027, 12, 31)},
    {"phase": "implementation", "starts_at": _at(2028, 1, 1), "ends_at": _at(2028, 12, 31)},
    {"phase": "closed", "starts_at": _at(2029, 1, 1), "ends_at": _at(2029, 12, 31)},
]})


async def load_demo(session: AsyncSession, *, now: datetime) -> BudgetRound:
    """Create Tuusula and its 2027 round unless they exist; returns the round."""
    existing = (await session.exec(select(Municipality).where(Municipality.slug == "tuusula"))).first()
    if existing is not None:
        found = (await session.exec(
            select(BudgetRound).where(BudgetRound.municipality_id == existing.id, BudgetRound.slug == "tuusula-2027")
        )).first()
        if found is not None:
            return found
    municipality = existing or await create_municipality(session, data=MunicipalityCreate(
        slug="tuusula", code="858", name=LocalizedName(fi="Tuusula", sv="Tusby", en="Tuusula"),
        languages=["fi", "sv", "en"]), actor=DEMO_ACTOR, now=now)
    assert municipality.id is not None
    budget_round = await create_round(session, data=RoundCreate(
        municipality_id=municipality.id, slug="tuusula-2027", year=2027,
        name=LocalizedName(fi="Osallistuva budjetointi 2027", sv="Deltagande budgetering 2027",
                           en="Participatory budgeting 2027"),
        min_age=15, schedule=SCHEDULE), actor=DEMO_ACTOR, now=now)
    assert budget_round.id is not None
    for spec in NETWORKS:
        kind = NetworkKind(str(spec["kind"]))
        network = await create_network(session, municipality_id=municipality.id, data=NetworkCreate.model_validate(
            {**spec, "description": DESCRIPTION[kind.value], "coordinator": COORDINATOR}), actor=DEMO_ACTOR, now=now)
        await create_budget(session, round_id=budget_round.id, data=BudgetCreate(
            slug=str(spec["slug"]), network_id=network.id, amount=NETWORK_BUDGET,
            ballot_format=BallotFormat.KNAPSACK if kind is NetworkKind.REGIONAL else BallotFormat.APPROVAL,
            max_selections=None if kind is NetworkKind.REGIONAL else 3,
            rule="equal-shares", rule_params={"completion": "add1"}), actor=DEMO_ACTOR, now=now)
    await audit.record(session, actor=DEMO_ACTOR.actor, action="demo.load", target=f"round:{budget_round.id}",
                       now=now)
    return budget_round
