"""Public results of a budget: what was funded, with what support and money left, the rule in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ballots.reasons import reason_from_json
from ballots.results import how_close_from_json
from pb.core.errors import NotFound
from pb.core.models import BallotProject, Budget
from pb.i18n.locales import DEFAULT_LOCALE, Locale
from pb.i18n.translator import translator
from pb.results.counting import euros as euros_of
from pb.results.counting import reason_code
from pb.results.errors import ResultsNotPublished
from pb.results.explanations import euros, how_close_sentences, reason_sentence
from pb.results.models import BudgetResult, ResultStatus

RULES_EXPLAINED: dict[str, dict[str, str]] = {
    "equal-shares": {
        "fi": "Tasaosuusmenetelmä: jokainen äänestäjä saa yhtä suuren osuuden budjetista. Hanke rahoitetaan, "
              "jos sen kannattajien osuudet riittävät sen kustannukseen; halvimmin kannattajaa kohden "
              "rahoitettavat hankkeet valitaan ensin.",
        "sv": "Metoden med lika andelar: varje väljare får en lika stor andel av budgeten. Ett projekt "
              "finansieras om dess anhängares andelar räcker till kostnaden; de projekt som kostar minst per "
              "anhängare väljs först.",
        "en": "Method of Equal Shares: every voter gets an equal share of the budget. A project is funded when "
              "its supporters' shares cover its cost; the projects that cost least per supporter go first.",
    },
    "greedy": {
        "fi": "Eniten ääniä saaneet hankkeet rahoitetaan järjestyksessä; hanke, joka ei enää mahdu "
              "budjettiin, ohitetaan ja seuraava tarkistetaan.",
        "sv": "Projekten med flest röster finansieras i tur och ordning; ett projekt som inte längre ryms i "
              "budgeten hoppas över och nästa prövas.",
        "en": "Projects are funded in order of votes; a project that no longer fits the budget is skipped "
              "and the next one is tried.",
    },
    "greedy-no-skip": {
        "fi": "Eniten ääniä saaneet hankkeet rahoitetaan järjestyksessä, kunnes seuraava ei mahdu budjettiin.",
        "sv": "Projekten med flest röster finansieras i tur och ordning tills nästa inte ryms i budgeten.",
        "en": "Projects are funded in order of votes until the next one does not fit the budget.",
    },
    "greedy-threshold": {
        "fi": "Kuten eniten ääniä -sääntö, mutta vain vähimmäiskannatuksen saaneet hankkeet ovat mukana.",
        "sv": "Som regeln flest röster, men bara projekt med minsta stöd är med.",
        "en": "As the most-votes rule, but only projects with the minimum support take part.",
    },
    "greedy-cost": {
        "fi": "Hankkeet rahoitetaan järjestyksessä sen mukaan, paljonko kannatusta ne saivat euroa kohden.",
        "sv": "Projekten finansieras i ordning efter hur mycket stöd de fick per euro.",
        "en": "Projects are funded in order of support per euro of cost.",
    },
    "phragmen": {
        "fi": "Phragménin menetelmä: kustannus jaetaan kannattajien kesken mahdollisimman tasaisesti.",
        "sv": "Phragméns metod: kostnaden fördelas så jämnt som möjligt mellan anhängarna.",
        "en": "Phragmén's method: each cost is spread as evenly as possible over the supporters.",
    },
    "max-welfare": {
        "fi": "Valitaan hankkeiden yhdistelmä, joka saa yhteensä eniten kannatusta ja mahtuu budjettiin.",
        "sv": "Den kombination av projekt som får mest stöd totalt och ryms i budgeten väljs.",
        "en": "The combination of projects with the most support in total that fits the budget is chosen.",
    },
}


@dataclass(frozen=True, slots=True)
class PublicResult:
    budget: Budget
    result: BudgetResult
    titles: dict[str, dict[str, str]]
    """Project titles by code."""

    @property
    def rule_explained(self) -> dict[str, str]:
        return RULES_EXPLAINED.get(self.result.rule, {"en": f"Rule {self.result.rule}."})

    def projects(self, locale: Locale = DEFAULT_LOCALE) -> list[dict[str, Any]]:
        """Each project with its reason code, the reason and how close it came in ``locale``'s words."""
        words = translator(locale)
        money = euros(words)
        listed = []
        for p in self.result.outcome["projects"]:
            entry = {**{k: p[k] for k in ("code", "cost", "status", "support")}, "reason": reason_code(p),
                     "title": self.titles.get(p["code"], {}), "explanation": None, "how_close": [],
                     "how_close_figures": p.get("how_close")}
            if isinstance(p["reason"], Mapping):  # outcomes stored before reason codes carry no figures
                entry["explanation"] = reason_sentence(reason_from_json(p["reason"]), words, money)
            if p.get("how_close") is not None:
                close = how_close_from_json(p["code"], p["status"] == "funded", euros_of(p["cost"]), p["how_close"])
                entry["how_close"] = how_close_sentences(close, words, money)
            listed.append(entry)
        return listed


async def published_result(session: AsyncSession, *, budget_id: int) -> PublicResult:
    """A budget's published result with project titles; 404 for no budget, 409 before publication."""
    budget = await session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    result = await session.get(BudgetResult, budget_id)
    if result is None or result.status != ResultStatus.PUBLISHED.value:
        raise ResultsNotPublished("budget %(budget_id)s's result is not published yet", budget_id=budget_id)
    projects = (await session.exec(select(BallotProject).where(BallotProject.budget_id == budget_id))).all()
    return PublicResult(budget, result, {p.code: p.title for p in projects})
