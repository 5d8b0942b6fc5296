"""The demo municipality: Tuusula with its development networks, in fi/sv/en, and a round with a budget per
network.

``load_tuusula`` is the plain world the tests start from (the 2027 round in draft, no projects);
:mod:`pb.demo.loader` builds the living demo on the same pieces. Postal codes are illustrative: they place each
network roughly, not as Tuusula's official area map.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal
from pb.budgets.schemas import BudgetCreate
from pb.budgets.service import create_budget
from pb.core.models import BallotFormat, BudgetRound, Municipality, Network, NetworkKind, Role
from pb.core.schemas import LocalizedName
from pb.municipalities.schemas import MunicipalityCreate
from pb.municipalities.service import create_municipality
from pb.networks.schemas import NetworkCreate
from pb.networks.service import create_network
from pb.rounds.schemas import RoundCreate, Schedule
from pb.rounds.service import create_round

DEMO_ACTOR = Principal(subject="demo-loader", role=Role.ADMIN)
ROUND_2026 = "tuusula-2026"
ROUND_2027 = "tuusula-2027"
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


async def load_tuusula(session: AsyncSession, *, now: datetime) -> BudgetRound:
    """Create Tuusula and its 2027 round in draft unless they exist; returns the round."""
    municipality = await load_municipality(session, now=now)
    assert municipality.id is not None
    found = await find_round(session, municipality.id, ROUND_2027)
    if found is not None:
        return found
    budget_round = await create_network_round(session, municipality, year=2027, schedule=SCHEDULE, now=now)
    await audit.record(session, actor=DEMO_ACTOR.actor, action="demo.load", target=f"round:{budget_round.id}",
                       now=now)
    return budget_round


async def load_municipality(session: AsyncSession, *, now: datetime) -> Municipality:
    """Tuusula with its networks, created unless it exists."""
    existing = (await session.exec(select(Municipality).where(Municipality.slug == "tuusula"))).first()
    if existing is not None:
        return existing
    municipality = await create_municipality(session, data=MunicipalityCreate(
        slug="tuusula", code="858", name=LocalizedName(fi="Tuusula", sv="Tusby", en="Tuusula"),
        languages=["fi", "sv", "en"]), actor=DEMO_ACTOR, now=now)
    assert municipality.id is not None
    for spec in NETWORKS:
        kind = NetworkKind(str(spec["kind"]))
        await create_network(session, municipality_id=municipality.id, data=NetworkCreate.model_validate(
            {**spec, "description": DESCRIPTION[kind.value], "coordinator": COORDINATOR}), actor=DEMO_ACTOR, now=now)
    return municipality


async def find_round(session: AsyncSession, municipality_id: int, slug: str) -> BudgetRound | None:
    query = select(BudgetRound).where(BudgetRound.municipality_id == municipality_id, BudgetRound.slug == slug)
    return (await session.exec(query)).first()


async def create_network_round(
    session: AsyncSession, municipality: Municipality, *, year: int, schedule: Schedule, now: datetime
) -> BudgetRound:
    """A round named for its year with a budget per network: approval within the budget for the regional
    networks, approval of at most three projects for the others."""
    assert municipality.id is not None
    budget_round = await create_round(session, data=RoundCreate(
        municipality_id=municipality.id, slug=f"tuusula-{year}", year=year,
        name=LocalizedName(fi=f"Osallistuva budjetointi {year}", sv=f"Deltagande budgetering {year}",
                           en=f"Participatory budgeting {year}"),
        min_age=15, schedule=schedule), actor=DEMO_ACTOR, now=now)
    assert budget_round.id is not None
    networks = (await session.exec(
        select(Network).where(Network.municipality_id == municipality.id).order_by(col(Network.id)))).all()
    for network in networks:
        regional = network.kind == NetworkKind.REGIONAL.value
        await create_budget(session, round_id=budget_round.id, data=BudgetCreate(
            slug=network.slug, network_id=network.id, amount=NETWORK_BUDGET,
            ballot_format=BallotFormat.KNAPSACK if regional else BallotFormat.APPROVAL,
            max_selections=None if regional else 3,
            rule="equal-shares", rule_params={"completion": "add1"}), actor=DEMO_ACTOR, now=now)
    return budget_round
