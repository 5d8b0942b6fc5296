"""``/<municipality>/my``: a resident's own page for the current round: their proposals, supports and offers of
help; the budgets they may vote in (and why not the others) and whether they have voted in each (never how);
and the receipts this browser keeps, which the booth stores in its encrypted cookie, never on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from pb.http.dependencies import DbSession
from pb.municipalities.overview import current_round, municipality_by_slug
from pb.networks.service import list_networks
from pb.proposals.mine import activity
from pb.proposals.participants import from_resident
from pb.proposals.schemas import ProposalPublic
from pb.web import booth_state
from pb.web.ballot_status import BallotStatus, ballot_statuses
from pb.web.booth_flow import keys_of
from pb.web.context import Page
from pb.web.proposal_view import ProposalCard, card, proposal_url, proposals_url
from pb.web.rendering import View, render, sign_in_redirect
from pb.web.views import Localized, localized


@dataclass(frozen=True, slots=True)
class BudgetLine:
    status: BallotStatus
    receipt_url: str | None
    """The receipt page of this browser's latest vote in the budget, when the browser keeps one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MyPage(View):
    round_name: Localized | None
    proposals_url: str | None
    proposed: list[ProposalCard]
    supported: list[ProposalCard]
    volunteered: list[ProposalCard]
    budgets: list[BudgetLine]
    receipt_check_url: str


@get("/{municipality:str}/my", name="my.page")
async def my_page(page: Page, db_session: DbSession, municipality: FromPath[str]) -> Template | Redirect:
    """What the signed-in resident has done in the current round, and where they may vote."""
    if page.resident is None:
        return sign_in_redirect(page)
    place = await municipality_by_slug(db_session, municipality)
    assert place.id is not None
    current = await current_round(db_session, place.id)
    view = MyPage(title=page.t.gettext("My page"), municipality=place, round_name=None, proposals_url=None,
                  proposed=[], supported=[], volunteered=[], budgets=[], receipt_check_url=f"/{place.slug}/receipts")
    if current is None or current.round.id is None:
        return render(page, view)
    budget_round = current.round
    assert budget_round.id is not None
    networks = {n.id: localized(n.name, page.locale) for n in await list_networks(db_session, municipality_id=place.id)}

    def cards(rows: list[ProposalPublic]) -> list[ProposalCard]:
        return [card(p, url=proposal_url(place.slug, budget_round.slug, p.id), network=networks.get(p.network_id or 0),
                     t=page.t) for p in rows]

    mine = await activity(db_session, who=from_resident(page.resident), round_id=budget_round.id)
    statuses = await ballot_statuses(db_session, municipality=place, budget_round=budget_round,
                                     resident=page.resident, keys=keys_of(page), t=page.t, now=page.now)
    kept = booth_state.read(page.settings, page.request.cookies.get(booth_state.COOKIE), page.resident.session_id)
    listed = proposals_url(place.slug, budget_round.slug)
    return render(page, MyPage(
        title=view.title, municipality=place, round_name=localized(budget_round.name, page.locale),
        proposals_url=listed, proposed=cards(mine.proposed),
        supported=cards(mine.supported), volunteered=cards(mine.volunteered),
        budgets=[BudgetLine(s, f"{s.booth_url}/receipt" if kept.receipt(s.budget_id) else None) for s in statuses],
        receipt_check_url=view.receipt_check_url,
    ))


HANDLERS = [my_page]
