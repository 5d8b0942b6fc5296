"""The demo's 2026 round, a year before now: voted, closed, tallied and published, its funded projects being
carried out, so that results, receipts, the board, the signed manifest and the research exports show real data.

Every step runs through the same services as a live round, each at the moment it happened (``at(days)``
before now): officials put projects on the ballots and open voting; neighbours sign in and cast while the
voting window is open; the close publishes the board and tallies; officials confirm and publish each budget.
A cast judges the voting window by the database's clock, which reads today, so the loader names each cast's
own moment (``window_at`` of :func:`pb.voting.service.cast_ballot`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.principal import Principal
from pb.budgets.service import create_budget
from pb.core.models import BallotFormat, BallotProject, Budget, BudgetRound, Municipality, Phase, Role
from pb.core.schemas import LocalizedName, LocalizedText
from pb.core.settings import Settings
from pb.demo.people import neighbours
from pb.demo.round_2027 import EXTRA_BUDGETS
from pb.demo.tuusula import DEMO_ACTOR, create_network_round
from pb.lifecycle.phases import transition
from pb.projects.schemas import ProjectCreate
from pb.projects.service import add_project
from pb.research.exports import set_policy
from pb.results import implementation, tally
from pb.results.models import ProgressStatus
from pb.rounds.schemas import Schedule
from pb.voting.cache import VotingCache
from pb.voting.keys import VotingKeys
from pb.voting.prepared import CastRequest
from pb.voting.schemas import BallotCast
from pb.voting.service import cast_ballot

Clock = Callable[[float], datetime]
YEAR = 2026
VOTING = (-372.0, -351.0)
"""The voting window, in days from now."""


def schedule(at: Clock) -> Schedule:
    return Schedule.model_validate({"phases": [
        {"phase": "proposals", "starts_at": at(-440), "ends_at": at(-410)},
        {"phase": "deliberation", "starts_at": at(-410), "ends_at": at(-380)},
        {"phase": "voting", "starts_at": at(VOTING[0]), "ends_at": at(VOTING[1])},
        {"phase": "tallying", "starts_at": at(VOTING[1]), "ends_at": at(-348)},
        {"phase": "results", "starts_at": at(-348), "ends_at": at(-300)},
        {"phase": "implementation", "starts_at": at(-300), "ends_at": at(65)},
        {"phase": "closed", "starts_at": at(65), "ends_at": at(430)},
    ]})


@dataclass(frozen=True, slots=True)
class Project:
    title: tuple[str, str, str]
    """fi, sv, en."""
    cost: int
    """Euros."""
    appeal: int
    """How many voters in ten like it (the voters' choices are drawn with these weights)."""


def _p(fi: str, sv: str, en: str, cost: int, appeal: int) -> Project:
    return Project((fi, sv, en), cost, appeal)


PROJECTS: dict[str, tuple[Project, ...]] = {
    "hyryla": (
        _p("Skeittiramppi nuorisotalolle", "Skateramp vid ungdomsgården", "A skate ramp at the youth centre", 1200, 6),
        _p("Uudet keinut leikkipuistoon", "Nya gungor till lekparken", "New swings for the playground", 800, 7),
        _p("Roska-astiat ulkoilureitille", "Soptunnor längs motionsslingan", "Bins along the outdoor trail", 400, 4),
        _p("Kesäelokuvat puistossa", "Sommarbio i parken", "Summer films in the park", 900, 5),
    ),
    "riihikallio": (
        _p("Koripallokori koulun pihalle", "Basketkorg på skolgården", "A basketball hoop in the schoolyard", 600, 6),
        _p("Kuntoportaat Riihimäkeen", "Motionstrappa i backen", "Exercise steps up the hill", 1500, 5),
        _p("Kylätalon kahvinkeitin ja astiat", "Kaffebryggare och porslin till byhuset",
           "A coffee maker and dishes for the village hall", 300, 3),
        _p("Lasten luontoretket", "Naturutflykter för barn", "Nature trips for children", 700, 6),
    ),
    "jokela": (
        _p("Joulukuusi ja valot torille", "Julgran och ljus på torget", "A Christmas tree and lights for the square",
           700, 6),
        _p("Ulkokuntosalin uusi laite", "En ny maskin till utegymmet", "A new machine for the outdoor gym", 1100, 5),
        _p("Nuorten lukunurkkaus kirjastoon", "Läshörna för unga i biblioteket",
           "A reading corner for young people at the library", 600, 4),
        _p("Pukukoppi uimarannalle", "Omklädningshytt vid badstranden", "A changing hut at the beach", 900, 6),
    ),
    "kellokoski": (
        _p("Rantapolun kunnostus", "Upprustning av strandstigen", "Repairing the riverside path", 1400, 7),
        _p("Ruukin kesäkonsertit", "Sommarkonserter vid bruket", "Summer concerts at the ironworks", 800, 5),
        _p("Penkit kirkonmäelle", "Bänkar på kyrkbacken", "Benches on the church hill", 500, 4),
        _p("Nuorten liikuntailtapäivät", "Idrottseftermiddagar för unga", "Sports afternoons for young people",
           600, 3),
    ),
    "luonto-ja-liikunta": (
        _p("Laavu Tuusulanjärven rantaan", "Vindskydd vid Tusby träsk", "A lean-to shelter by Lake Tuusula", 1500, 7),
        _p("Opastetut luontokävelyt", "Guidade naturpromenader", "Guided nature walks", 400, 5),
        _p("Lainattavat lintukiikarit", "Fågelkikare att låna", "Binoculars to borrow for birdwatching", 500, 3),
        _p("Portaat talviuintipaikalle", "Trappor till vinterbadplatsen", "Steps for the winter swimming spot",
           1000, 4),
    ),
    "elinkeinoverkosto": (
        _p("Yrittäjien aamukahvit", "Morgonkaffe för företagare", "Breakfast meetings for entrepreneurs", 500, 4),
        _p("Taidetta tyhjiin liikehuoneistoihin", "Konst i tomma butiksfönster", "Art in empty shop windows",
           900, 6),
        _p("Paikallisten yritysten kartta", "Karta över lokala företag", "A map of local businesses", 700, 5),
        _p("Nuorten yrittäjyyskurssi", "Företagarkurs för unga", "An entrepreneurship course for young people",
           1200, 3),
    ),
    "koko-tuusula": (
        _p("Kirjastot auki iltaisin", "Biblioteken öppna på kvällarna", "Libraries open in the evenings", 3500, 7),
        _p("Ikäihmisten tanssi-iltapäivät", "Danseftermiddagar för äldre", "Dance afternoons for older people",
           2000, 4),
        _p("Nuorten kesätapahtuma", "Sommarevenemang för unga", "A summer event for young people", 3000, 5),
        _p("Lisää valoa puistoihin", "Mer belysning i parkerna", "More lighting in the parks", 4500, 6),
    ),
    "kulttuuri": (
        _p("Tuusulan taideviikko", "Tusby konstvecka", "Tuusula art week", 2500, 6),
        _p("Kuorojen yhteiskonsertti", "Körernas gemensamma konsert", "A joint concert of the choirs", 1500, 5),
        _p("Elokuvakerho nuorille", "Filmklubb för unga", "A film club for young people", 1200, 4),
        _p("Paikallishistorian luentosarja", "Föreläsningar om lokalhistoria", "Talks on local history", 800, 3),
    ),
}
"""What officials put straight on each ballot: that year's proposals came through the city's earlier feedback
channel, so the round's proposals and deliberation phases in pb passed without any."""

TURNOUT = {"regional": 0.9, "luonto-ja-liikunta": 0.6, "elinkeinoverkosto": 0.45, "koko-tuusula": 0.7,
           "kulttuuri": 0.5}
"""The share of the demo's voters who voted in each kind of budget."""
VOTERS_PER_AREA = 24
CODES = ("A", "B", "C", "D")
PROGRESS = (
    (ProgressStatus.DONE, 100, {"fi": "Valmis ja käytössä.", "sv": "Klart och i bruk.", "en": "Finished and in use."}),
    (ProgressStatus.IN_PROGRESS, 40, {"fi": "Tilattu, asennus keväällä.", "sv": "Beställt, monteras i vår.",
                                      "en": "Ordered; to be installed in the spring."}),
    (ProgressStatus.PLANNED, 0, {"fi": "Suunnittelu alkaa.", "sv": "Planeringen börjar.", "en": "Planning starts."}),
)
"""How far the funded projects of each budget have come, in the order the rule funded them."""


async def load_round_2026(
    session: AsyncSession, municipality: Municipality, settings: Settings, *, now: datetime
) -> BudgetRound:
    """The 2026 round, published a year ago and now in its implementation phase."""

    def at(days: float) -> datetime:
        return now + timedelta(days=days)

    assert municipality.id is not None
    official = Principal(subject="osallisuus@tuusula.example", role=Role.OFFICIAL, municipality_id=municipality.id)
    budget_round = await create_network_round(session, municipality, year=YEAR, schedule=schedule(at), now=at(-450))
    assert budget_round.id is not None
    budgets = await _ballots(session, budget_round.id, at(-445))
    await set_policy(session, round_id=budget_round.id, public_exports=True, min_ballot_class=10, min_table_cell=5,
                     actor=official, now=at(-445))
    for phase, day in ((Phase.PROPOSALS, -440), (Phase.DELIBERATION, -410), (Phase.VOTING, VOTING[0])):
        await transition(session, round_id=budget_round.id, to=phase, actor=official, now=at(day))
    await _vote(session, settings, budget_round, budgets, at)
    await transition(session, round_id=budget_round.id, to=Phase.TALLYING, actor=official, now=at(VOTING[1]))
    for budget_id in budgets.values():
        await tally.confirm(session, budget_id=budget_id, actor=official, now=at(-349))
        await tally.publish(session, budget_id=budget_id, actor=official, now=at(-348))
    await transition(session, round_id=budget_round.id, to=Phase.RESULTS, actor=official, now=at(-348))
    await transition(session, round_id=budget_round.id, to=Phase.IMPLEMENTATION, actor=official, now=at(-300))
    await _report_progress(session, budgets, official, at)
    return budget_round


async def _ballots(session: AsyncSession, round_id: int, now: datetime) -> dict[str, int]:
    """The round's budgets (a network's each, and the municipality-wide ones) with their projects, by slug."""
    for data in EXTRA_BUDGETS:
        await create_budget(session, round_id=round_id, data=data, actor=DEMO_ACTOR, now=now)
    rows = (await session.exec(select(Budget).where(Budget.round_id == round_id).order_by(col(Budget.id)))).all()
    budgets = {b.slug: b.id for b in rows if b.id is not None}
    for slug, budget_id in budgets.items():
        for code, project in zip(CODES, PROJECTS[slug], strict=True):
            fi, sv, en = project.title
            await add_project(session, budget_id=budget_id, actor=DEMO_ACTOR, now=now, data=ProjectCreate(
                code=code, title=LocalizedName(fi=fi, sv=sv, en=en), description=LocalizedText(),
                cost=project.cost * 100))
    return budgets


async def _vote(
    session: AsyncSession, settings: Settings, budget_round: BudgetRound, budgets: dict[str, int], at: Clock
) -> None:
    """Each demo voter signs in once during the window and votes in the budgets they chose to vote in."""
    assert budget_round.config_hash is not None
    keys, cache, draw = VotingKeys(settings.voter_key_master), VotingCache(), random.Random(YEAR)  # noqa: S311
    rows = {b.slug: b for b in (await session.exec(select(Budget).where(Budget.round_id == budget_round.id))).all()}
    voters = [(area, person) for area in ("hyryla", "riihikallio", "jokela", "kellokoski")
              for person in neighbours(settings, area, VOTERS_PER_AREA, offset=40)]
    draw.shuffle(voters)
    span = VOTING[1] - VOTING[0] - 1
    for number, (area, person) in enumerate(voters):
        moment = at(VOTING[0] + 0.5 + span * number / len(voters))
        session_id = await person.session_id(session, settings, now=moment)
        for slug in (area, *(s for s in TURNOUT if s != "regional")):
            if draw.random() >= TURNOUT.get(slug, TURNOUT["regional"]):
                continue
            ballot = BallotCast(selections=choose(rows[slug], PROJECTS[slug], draw),
                                config_hash=budget_round.config_hash)
            request = CastRequest(budgets[slug], session_id, ballot, None, moment)
            await cast_ballot(session, request, keys=keys, cache=cache, window_at=moment)
            moment += timedelta(minutes=2)


def choose(budget: Budget, projects: Sequence[Project], draw: random.Random) -> list[str] | dict[str, int]:
    """One voter's ballot: the projects they like (drawn by appeal) within the budget's limits."""
    liked = [code for code, p in zip(CODES, projects, strict=True) if draw.randrange(10) < p.appeal]
    liked = liked or [draw.choice(CODES)]
    draw.shuffle(liked)
    if budget.ballot_format == BallotFormat.KNAPSACK.value:
        costs = {code: p.cost * 100 for code, p in zip(CODES, projects, strict=True)}
        chosen: list[str] = []
        for code in liked:
            if sum(costs[c] for c in chosen) + costs[code] <= (budget.max_cost or budget.amount):
                chosen.append(code)
        return sorted(chosen)
    if budget.ballot_format == BallotFormat.CUMULATIVE.value:
        most, total = budget.max_points_per_project or 1, budget.max_total_points or len(liked)
        points = dict.fromkeys(liked, 1)
        for code in draw.choices(liked, k=max(0, total - len(liked))):
            points[code] = min(most, points[code] + 1)
        return points
    kept = liked[: budget.max_selections or len(liked)]
    return kept if budget.ballot_format == BallotFormat.RANKED.value else sorted(kept)


async def _report_progress(
    session: AsyncSession, budgets: dict[str, int], official: Principal, at: Clock
) -> None:
    """The funded projects of every budget, reported done, under way or planned (in the order they were funded)."""
    for budget_id in budgets.values():
        result = await tally.get_result(session, budget_id)
        codes: list[str] = result.outcome["selected"]
        projects = {p.code: p for p in (await session.exec(
            select(BallotProject).where(BallotProject.budget_id == budget_id))).all()}
        for number, code in enumerate(codes):
            status, percent, note = PROGRESS[min(number, len(PROGRESS) - 1)]
            project_id = projects[code].id
            assert project_id is not None
            await implementation.report_progress(
                session, project_id=project_id, status=status, percent=percent, note=note, cancel_reason=None,
                starts_on=None, ends_on=None, actor=official, now=at(-200 + number * 30))
