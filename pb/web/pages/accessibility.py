"""``/<municipality>/accessibility`` and ``/accessibility``: the accessibility statement (saavutettavuusseloste).

The Act on the Provision of Digital Services (306/2019) requires it of every public digital service: how far
the service meets the requirements (WCAG 2.1 AA, pb aims at 2.2 AA), what is not accessible and why, when and
how it was assessed, how to give feedback and ask for content in an accessible form, and how to turn to the
supervisory authority. pb's own part is in the templates; each municipality's contact comes from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from pb.core.settings import Settings
from pb.http.dependencies import DbSession
from pb.municipalities.overview import municipality_by_slug
from pb.municipalities.service import list_municipalities
from pb.web.context import Page
from pb.web.rendering import View, render
from pb.web.views import Localized, localized

PREPARED_ON = date(2026, 12, 1)
REVIEWED_ON = date(2026, 12, 1)
"""Change these when the statement is reviewed again (at least once a year, and after large changes)."""


@dataclass(frozen=True, slots=True)
class Provider:
    name: Localized
    contact: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementPage(View):
    providers: list[Provider]
    prepared_on: date
    reviewed_on: date
    demo: bool
    """The development identity provider is mounted (never in production)."""


def _contact(settings: Settings, slug: str) -> str:
    web = settings.web_municipalities.get(slug)
    return (web.accessibility_contact if web else None) or settings.accessibility_contact


@get("/{municipality:str}/accessibility", name="accessibility.statement")
async def statement(page: Page, db_session: DbSession, municipality: FromPath[str]) -> Template:
    """The statement for one municipality's pages, with its feedback address."""
    found = await municipality_by_slug(db_session, municipality)
    provider = Provider(localized(found.name, page.locale), _contact(page.settings, found.slug))
    view = StatementPage(title=page.t.gettext("Accessibility statement"), municipality=found,
                         providers=[provider], prepared_on=PREPARED_ON, reviewed_on=REVIEWED_ON,
                         demo=page.settings.env != "production")
    return render(page, view)


@get("/accessibility", name="accessibility.deployment")
async def deployment(page: Page, db_session: DbSession) -> Template:
    """The same statement for the chooser page: every municipality here with its feedback address."""
    providers = [
        Provider(localized(m.name, page.locale), _contact(page.settings, m.slug))
        for m in await list_municipalities(db_session)
    ]
    view = StatementPage(title=page.t.gettext("Accessibility statement"), providers=providers,
                         prepared_on=PREPARED_ON, reviewed_on=REVIEWED_ON, demo=page.settings.env != "production")
    return render(page, view, template="accessibility.statement")


HANDLERS = [statement, deployment]
