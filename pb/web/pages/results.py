"""``/<municipality>/results/<round>`` and ``.../<budget>``: a round's published results, and one budget's: what was
funded with what support, the money left, both charts with their tables, turnout, the rule in plain words, why
each project was or was not funded and how close it came, links to the signed manifest, the board and the
research data, and the funded projects' progress.

Everything comes from the published result (:func:`pb.results.public.published_result`, the JSON API's own) and
its charts (:mod:`pb.results.charts`, served as SVG images beside an equivalent table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from litestar import get
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.models import BallotFormat, Budget, BudgetRound, Municipality
from pb.http.dependencies import DbSession
from pb.i18n import LazyString, Translator, lazy_pgettext
from pb.results.errors import ResultsNotPublished
from pb.results.models import ImplementationUpdate, ProgressStatus
from pb.results.overview import latest_progress, published_budgets
from pb.results.public import PublicResult, published_result
from pb.voting.booth import budget_by_slugs, round_by_slugs
from pb.web.context import Page, PageContext
from pb.web.rendering import View, render
from pb.web.views import Localized, localized

PROGRESS: dict[ProgressStatus, LazyString] = {
    ProgressStatus.PLANNED: lazy_pgettext("progress", "Planned"),
    ProgressStatus.IN_PROGRESS: lazy_pgettext("progress", "In progress"),
    ProgressStatus.DONE: lazy_pgettext("progress", "Done"),
    ProgressStatus.CANCELLED: lazy_pgettext("progress", "Cancelled"),
}
POINTS = frozenset({BallotFormat.CUMULATIVE.value, BallotFormat.RANKED.value})


@dataclass(frozen=True, slots=True)
class Progress:
    status: LazyString
    percent: int
    note: Localized
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class ProjectResult:
    number: int | None
    """Its number in the allocation chart's legend (funded projects, in the order the rule funded them)."""
    title: Localized
    cost: int
    support: str
    support_value: Fraction
    funded: bool
    explanation: str | None
    how_close: list[str]
    progress: Progress | None


@dataclass(frozen=True, slots=True)
class BudgetLink:
    name: Localized
    url: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundResultsPage(View):
    budgets: list[BudgetLink]
    manifest_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetResultsPage(View):
    published: bool
    budget_name: Localized
    amount: int = 0
    spent: int = 0
    leftover: int = 0
    ballots: int = 0
    points: bool = False
    rule_explained: Localized | None = None
    funded: list[ProjectResult] | None = None
    projects: list[ProjectResult] | None = None
    """Every project, most support first (the votes chart's order)."""
    allocation_url: str = ""
    votes_url: str = ""
    manifest_url: str = ""
    board_url: str = ""
    export_url: str = ""
    round_url: str = ""


def _support(value: Any, t: Translator) -> str:
    amount = Fraction(str(value))
    return t.number(int(amount)) if amount.denominator == 1 else t.number(round(float(amount), 2))


def _progress(update: ImplementationUpdate | None, page: PageContext) -> Progress | None:
    if update is None:
        return None
    return Progress(PROGRESS[ProgressStatus(update.status)], update.percent, localized(update.note, page.locale),
                    update.created_at)


async def _projects(session: AsyncSession, view: PublicResult, page: PageContext) -> list[ProjectResult]:
    selected: list[str] = view.result.outcome["selected"]
    progress = await latest_progress(session, budget_id=view.budget.id or 0)
    shown = []
    for entry in view.projects(page.locale):
        code = entry["code"]
        funded = entry["status"] == "funded"
        shown.append(ProjectResult(
            number=selected.index(code) + 1 if code in selected else None,
            title=localized(entry["title"], page.locale) if entry["title"] else Localized(code),
            cost=int(entry["cost"]), support=_support(entry["support"], page.t),
            support_value=Fraction(str(entry["support"])), funded=funded,
            explanation=entry.get("explanation"), how_close=list(entry.get("how_close") or []),
            progress=_progress(progress.get(code), page) if funded else None,
        ))
    return shown


async def _budget_page(
    session: AsyncSession, page: PageContext, municipality: Municipality, budget_round: BudgetRound, budget: Budget
) -> BudgetResultsPage:
    name = localized(budget.name, page.locale)
    round_url = f"/{municipality.slug}/results/{budget_round.slug}"
    try:
        view = await published_result(session, budget_id=budget.id or 0)
    except ResultsNotPublished:
        return BudgetResultsPage(title=page.t.gettext("Results: %(budget)s", budget=name.text),
                                 municipality=municipality, published=False, budget_name=name, round_url=round_url)
    outcome = view.result.outcome
    projects = await _projects(session, view, page)
    by_support = sorted(projects, key=lambda p: (-p.support_value, p.title.text))
    lang = f"?lang={page.locale}"
    return BudgetResultsPage(
        title=page.t.gettext("Results: %(budget)s", budget=name.text), municipality=municipality, published=True,
        budget_name=name, amount=int(outcome["budget"]), spent=int(outcome["total_cost"]),
        leftover=int(outcome["leftover"]), ballots=view.result.ballot_count, points=budget.ballot_format in POINTS,
        rule_explained=localized(view.rule_explained, page.locale),
        funded=sorted((p for p in projects if p.funded), key=lambda p: p.number or 0), projects=by_support,
        allocation_url=f"/budgets/{budget.id}/results/svg/allocation{lang}",
        votes_url=f"/budgets/{budget.id}/results/svg/votes{lang}",
        manifest_url=f"/rounds/{budget_round.id}/manifest", board_url=f"/budgets/{budget.id}/board",
        export_url=f"/budgets/{budget.id}/export?format=pb", round_url=round_url,
    )


@get("/{municipality:str}/results/{round:str}", name="results.round")
async def round_results(page: Page, db_session: DbSession, municipality: FromPath[str],
                        round: FromPath[str]) -> Template:
    """The round's budgets, each linked to its results once they are published."""
    place, budget_round = await round_by_slugs(db_session, municipality_slug=municipality, round_slug=round)
    budgets = await published_budgets(db_session, round_id=budget_round.id or 0)
    links = [BudgetLink(localized(b.name, page.locale), f"/{place.slug}/results/{budget_round.slug}/{b.slug}"
                        if published else None) for b, published in budgets]
    title = page.t.gettext("Results: %(round)s", round=localized(budget_round.name, page.locale).text)
    return render(page, RoundResultsPage(title=title, municipality=place, budgets=links,
                                         manifest_url=f"/rounds/{budget_round.id}/manifest"))


@get("/{municipality:str}/results/{round:str}/{budget:str}", name="results.budget")
async def budget_results(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                         budget: FromPath[str]) -> Template:
    """One budget's published result, explained."""
    place, budget_round, found = await budget_by_slugs(
        db_session, municipality_slug=municipality, round_slug=round, budget_slug=budget
    )
    view = await _budget_page(db_session, page, place, budget_round, found)
    return render(page, view, status=200 if view.published else 404)


HANDLERS = [round_results, budget_results]
