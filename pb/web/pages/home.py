"""``/``: the municipality chooser; ``/<municipality>``: its front page; ``/<municipality>/theme.css``."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from pb.core.models import NetworkKind
from pb.http.dependencies import AppSettings, DbSession
from pb.i18n import LazyString, Translator
from pb.municipalities.overview import municipality_by_slug, municipality_overview
from pb.municipalities.service import list_municipalities
from pb.results.overview import rounds_with_results
from pb.web.context import Page
from pb.web.labels import NETWORK_KINDS_PLURAL
from pb.web.locale import LANG_PARAM
from pb.web.network_view import NetworkCard, network_cards
from pb.web.rendering import View, render
from pb.web.round_view import RoundView, round_view
from pb.web.theme import theme_css
from pb.web.views import Localized, localized


@dataclass(frozen=True, slots=True)
class KindChoice:
    value: str
    label: LazyString | str
    checked: bool


@dataclass(frozen=True, slots=True)
class ResultsLink:
    name: Localized
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontPage(View):
    round: RoundView | None
    networks: list[NetworkCard]
    kinds: list[KindChoice]
    shown_kind: NetworkKind | None
    results: list[ResultsLink]
    """The rounds with published results, newest first: this one's once published, and earlier ones'."""


@dataclass(frozen=True, slots=True)
class MunicipalityLink:
    name: Localized
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChooserPage(View):
    municipalities: list[MunicipalityLink]


def _kinds(shown: NetworkKind | None, t: Translator) -> list[KindChoice]:
    every = KindChoice("", t.pgettext("network filter", "All networks"), shown is None)
    return [every, *(KindChoice(k.value, NETWORK_KINDS_PLURAL[k], k is shown) for k in NetworkKind)]


@get("/", name="home.chooser")
async def chooser(page: Page, db_session: DbSession) -> Template | Redirect:
    """The municipalities of this deployment; with only one, its front page straight away."""
    municipalities = await list_municipalities(db_session)
    if len(municipalities) == 1:
        asked = page.request.query_params.get(LANG_PARAM)
        suffix = f"?{LANG_PARAM}={page.locale}" if asked else ""
        return Redirect(f"/{municipalities[0].slug}{suffix}", status_code=302, cookies=page.cookies)
    links = [MunicipalityLink(localized(m.name, page.locale), f"/{m.slug}") for m in municipalities]
    return render(page, ChooserPage(title=page.t.gettext("Participatory budgeting"), municipalities=links))


@get("/{municipality:str}", name="home.front")
async def front(
    page: Page, db_session: DbSession, municipality: FromPath[str], kind: FromQuery[NetworkKind | None] = None
) -> Template:
    """The municipality's current round, its timeline, its networks and what residents can do now."""
    overview = await municipality_overview(db_session, slug=municipality)
    current = overview.current
    published = await rounds_with_results(db_session, municipality_id=overview.municipality.id or 0)
    view = FrontPage(
        title=localized(current.round.name, page.locale).text if current else page.t.gettext("Participatory budgeting"),
        municipality=overview.municipality,
        round=round_view(current, page.t, page.locale) if current else None,
        networks=network_cards(overview, page.locale, kind=kind),
        kinds=_kinds(kind, page.t),
        shown_kind=kind,
        results=[ResultsLink(localized(r.name, page.locale), f"/{overview.municipality.slug}/results/{r.slug}")
                 for r in published],
    )
    return render(page, view, fragment="networks")


@get("/{municipality:str}/theme.css", name="home.theme", cache=False)
async def theme(db_session: DbSession, settings: AppSettings, municipality: FromPath[str]) -> Response[str]:
    """The municipality's colours as HDS custom properties (its URL carries a version, so it is cached long)."""
    found = await municipality_by_slug(db_session, municipality)
    return Response(
        theme_css(settings.web_municipalities.get(found.slug)),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


HANDLERS = [chooser, front, theme]
