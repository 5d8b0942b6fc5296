"""``/<municipality>/networks/<network>``: a development network's page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from pb.http.dependencies import DbSession
from pb.municipalities.overview import network_overview
from pb.web.context import Page
from pb.web.network_view import NetworkDetail, network_detail
from pb.web.proposal_view import proposals_url
from pb.web.rendering import View, render
from pb.web.round_view import RoundView, round_view


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkPage(View):
    network: NetworkDetail
    round: RoundView | None
    home_url: str
    proposals_url: str | None
    """The round's proposals for this network."""


@get("/{municipality:str}/networks/{network:str}", name="networks.detail")
async def detail(page: Page, db_session: DbSession, municipality: FromPath[str], network: FromPath[str]) -> Template:
    """The network's description, area, core team, coordinator and this round's budget."""
    overview = await network_overview(db_session, municipality_slug=municipality, network_slug=network)
    shown = network_detail(overview, page.locale)
    view = NetworkPage(
        title=shown.name.text,
        municipality=overview.municipality,
        network=shown,
        round=round_view(overview.current, page.t, page.locale) if overview.current else None,
        home_url=f"/{overview.municipality.slug}",
        proposals_url=f"{proposals_url(overview.municipality.slug, overview.current.round.slug)}?"
        f"{urlencode({'network': overview.network.slug})}" if overview.current else None,
    )
    return render(page, view)


HANDLERS = [detail]
