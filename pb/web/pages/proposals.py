"""``/<municipality>/proposals/<round>``: the round's proposals, found by network, stage and words, sorted; and
``/<round>/<number>``: a proposal with its history, discussion, reviews, merges, support and volunteers.

The list is a GET form: without JavaScript it reloads the page, with htmx it swaps the results alone
(``_results.html``). Support posts a form; htmx swaps the support box (``_support.html``), and without
JavaScript the page comes back after a redirect. The forms that write are in :mod:`pb.web.pages.proposal_forms`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import get_budget
from pb.core.errors import NotFound
from pb.core.models import Municipality
from pb.http.dependencies import DbSession
from pb.i18n import LazyString, Translator, lazy_pgettext
from pb.municipalities.overview import current_round, municipality_by_slug
from pb.networks.service import list_networks
from pb.proposals import discussion, reviews, search, service, support, volunteers
from pb.proposals.deliberation_schemas import CommentCreate
from pb.proposals.models import ProposalStatus
from pb.proposals.participants import from_resident
from pb.proposals.schemas import ProposalPublic
from pb.proposals.stages import stage_open_now
from pb.voting.booth import round_by_slugs
from pb.web.context import Page, PageContext
from pb.web.forms import Form
from pb.web.labels import PROPOSAL_STATUSES
from pb.web.proposal_actions import Refused, attempt
from pb.web.proposal_view import (
    CommentNode,
    ProposalCard,
    Related,
    ReviewLine,
    VersionLine,
    Volunteers,
    card,
    proposal_url,
    proposals_url,
    related,
    review_lines,
    versions,
)
from pb.web.proposal_view import discussion as split_discussion
from pb.web.proposal_view import volunteers as volunteer_view
from pb.web.rendering import View, redirect, render, sign_in_redirect, wants_fragment
from pb.web.views import Localized, localized

ROUND = "/{municipality:str}/proposals/{round:str}"
PROPOSAL = ROUND + "/{proposal:int}"
PAGE_SIZE = 20

SORTS: dict[search.ProposalSort, LazyString] = {
    search.ProposalSort.RELEVANCE: lazy_pgettext("sort", "Best match first"),
    search.ProposalSort.NEWEST: lazy_pgettext("sort", "Newest first"),
    search.ProposalSort.OLDEST: lazy_pgettext("sort", "Oldest first"),
    search.ProposalSort.SUPPORTS: lazy_pgettext("sort", "Most supported first"),
}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPage(View):
    round_name: Localized
    action_url: str
    cards: list[ProposalCard]
    total: int
    q: str
    network: str
    stage: str
    sort: str
    networks: list[Choice]
    stages: list[Choice]
    sorts: list[Choice]
    search_error: str | None
    previous_url: str | None
    next_url: str | None
    new_url: str | None
    """Where to send a proposal, while the round takes them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DetailPage(View):
    proposal: ProposalCard
    url: str
    list_url: str
    budget_name: Localized
    address: str | None
    own_cost: int | None
    official_cost: int | None
    created_at: datetime
    updated_at: datetime
    versions: list[VersionLine]
    comments: list[CommentNode]
    questions: list[CommentNode]
    reviews: list[ReviewLine]
    volunteers: Volunteers
    merged_into: Related | None
    merged_from: list[Related]
    split_from: Related | None
    signed_in: bool
    sign_in_url: str
    supported: bool
    may_discuss: bool
    may_edit: bool
    takes_offers: bool
    comment_form: Form[CommentCreate]
    reply_to: CommentNode | None
    notice: str | None = None
    fragment: bool = False


async def _networks(
    session: AsyncSession, municipality: Municipality, t: Translator
) -> dict[int, tuple[str, Localized]]:
    assert municipality.id is not None
    rows = await list_networks(session, municipality_id=municipality.id)
    return {n.id: (n.slug, localized(n.name, t.locale)) for n in rows if n.id is not None}


@get("/{municipality:str}/proposals", name="proposals.current")
async def current(page: Page, db_session: DbSession, municipality: FromPath[str]) -> Redirect:
    """The current round's proposals (the header's link)."""
    place = await municipality_by_slug(db_session, municipality)
    found = await current_round(db_session, place.id or 0)
    if found is None:
        raise NotFound("no round in %(municipality)r yet", municipality=municipality)
    return Redirect(proposals_url(place.slug, found.round.slug), status_code=302, cookies=page.cookies)


def _query(page: PageContext, name: str) -> str:
    value = page.request.query_params.get(name)
    return value.strip()[: search.MAX_QUERY] if isinstance(value, str) else ""


def _page_number(page: PageContext) -> int:
    text = _query(page, "page")
    return max(1, min(int(text), 10_000)) if text.isdigit() else 1


@get(ROUND, name="proposals.list")
async def listing(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str]) -> Template:
    """The round's proposals: filters, search and order from the query, the results alone for htmx."""
    place, budget_round = await round_by_slugs(db_session, municipality_slug=municipality, round_slug=round)
    networks = await _networks(db_session, place, page.t)
    q, network, stage, sort = _query(page, "q"), _query(page, "network"), _query(page, "stage"), _query(page, "sort")
    by_slug = {slug: network_id for network_id, (slug, _) in networks.items()}
    statuses = {s.value: s for s in ProposalStatus}
    chosen_sort = search.ProposalSort(sort) if sort in search.ProposalSort.__members__.values() else (
        search.ProposalSort.RELEVANCE)
    number = _page_number(page)
    where = search.ProposalFilter(round_id=budget_round.id, network_id=by_slug.get(network),
                                  status=statuses.get(stage), q=q or None)
    found = await attempt(search.find(db_session, where=where, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE,
                                      sort=chosen_sort), page.t)
    rows, total = ([], 0) if isinstance(found, Refused) else found
    list_url = proposals_url(place.slug, budget_round.slug)
    cards = [card(p, url=proposal_url(place.slug, budget_round.slug, p.id),
                  network=networks[p.network_id][1] if p.network_id in networks else None, t=page.t)
             for p in await service.views(db_session, rows)]
    kept = [(k, v) for k, v in (("q", q), ("network", network), ("stage", stage), ("sort", sort)) if v]

    def page_url(n: int) -> str:
        return f"{list_url}?{urlencode([*kept, ('page', str(n))])}"

    view = ListPage(
        title=page.t.gettext("Proposals"), municipality=place, round_name=localized(budget_round.name, page.locale),
        action_url=list_url, cards=cards, total=total, q=q, network=network if network in by_slug else "",
        stage=stage if stage in statuses else "", sort=chosen_sort.value,
        networks=[Choice("", page.t.pgettext("network filter", "All networks")),
                  *sorted((Choice(slug, name.text) for slug, name in networks.values()), key=lambda c: c.label)],
        stages=[Choice("", page.t.pgettext("stage filter", "All stages")),
                *(Choice(s.value, PROPOSAL_STATUSES[s].render(page.t)) for s in ProposalStatus)],
        sorts=[Choice(s.value, label.render(page.t)) for s, label in SORTS.items()],
        search_error=found.sentence if isinstance(found, Refused) else None,
        previous_url=page_url(number - 1) if number > 1 else None,
        next_url=page_url(number + 1) if number * PAGE_SIZE < total else None,
        new_url=f"{list_url}/new" if service.accepts_proposals(budget_round) else None,
    )
    return render(page, view, fragment="results")


async def proposal_in_round(session: AsyncSession, municipality: str, round_slug: str,
                  proposal_id: int) -> tuple[Municipality, ProposalPublic, str]:
    """The proposal, if it belongs to the round in the address; its round's list address."""
    place, budget_round = await round_by_slugs(session, municipality_slug=municipality, round_slug=round_slug)
    proposal = await service.view(session, proposal_id)
    if proposal.round_id != budget_round.id:
        raise NotFound("proposal %(proposal_id)s is not in this round", proposal_id=proposal_id)
    return place, proposal, proposals_url(place.slug, budget_round.slug)


async def detail_page(
    page: PageContext, session: AsyncSession, municipality: str, round_slug: str, proposal_id: int, *,
    comment_form: Form[CommentCreate] | None = None, notice: str | None = None, reply: int | None = None,
) -> DetailPage:
    """Everything the proposal's page shows, and what this visitor may do there now."""
    place, proposal, list_url = await proposal_in_round(session, municipality, round_slug, proposal_id)
    budget_round = await service.round_of(session, await service.get_proposal(session, proposal_id))
    networks = await _networks(session, place, page.t)
    url = proposal_url(place.slug, round_slug, proposal_id)
    who = from_resident(page.resident) if page.resident is not None else None
    comments, questions = split_discussion(await discussion.thread(session, proposal_id=proposal_id), page.t)
    sources = await service.views(session, [await service.get_proposal(session, i)
                                            for i in await service.merged_sources(session, proposal_id)])
    linked = [proposal.merged_into_id, proposal.split_from_id]
    into, split = [related(await service.view(session, i), proposal_url(place.slug, round_slug, i), page.locale)
                   if i is not None else None for i in linked]
    shown = card(proposal, url=url, network=networks[proposal.network_id][1] if proposal.network_id in networks
                 else None, t=page.t)
    return DetailPage(
        title=shown.title.text if not proposal.hidden else page.t.gettext("A hidden proposal"),
        municipality=place, proposal=shown, url=url, list_url=list_url,
        budget_name=localized((await get_budget(session, proposal.budget_id)).name, page.locale),
        address=proposal.address, own_cost=proposal.own_cost, official_cost=proposal.official_cost,
        created_at=proposal.created_at, updated_at=proposal.updated_at,
        versions=versions(await service.history(session, proposal_id=proposal_id), proposal_id, page.t),
        comments=comments, questions=questions,
        reviews=review_lines(await reviews.reviews_of(session, proposal_id=proposal_id), page.t),
        volunteers=volunteer_view(await volunteers.summary(session, proposal_id=proposal_id)),
        merged_into=into, split_from=split,
        merged_from=[related(s, proposal_url(place.slug, round_slug, s.id), page.locale) for s in sources],
        signed_in=who is not None, sign_in_url=f"/{place.slug}/sign-in?{urlencode({'next': url})}",
        supported=who is not None and (await support.status(session, proposal_id=proposal_id, who=who)).supported,
        may_discuss=await stage_open_now(session, budget_round, page.now) is not None and not proposal.hidden,
        may_edit=who is not None and proposal.status in service.EDITABLE
        and await service.authorship(session, proposal_id, who) is not None,
        takes_offers=volunteers.takes_offers(proposal),
        comment_form=comment_form or Form(values={"kind": "comment"}),
        reply_to=_find(comments, reply) if reply else None,
        notice=notice, has_errors=bool(comment_form and comment_form.has_errors), fragment=wants_fragment(page),
    )


def _find(nodes: list[CommentNode], comment_id: int) -> CommentNode | None:
    for node in nodes:
        if node.id == comment_id:
            return node
        if (found := _find(node.replies, comment_id)) is not None:
            return found
    return None


@get(PROPOSAL, name="proposals.detail")
async def detail(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                 proposal: FromPath[int]) -> Template:
    """The proposal's text, history, discussion, reviews, merges, support and volunteers."""
    reply = _query(page, "reply")
    view = await detail_page(page, db_session, municipality, round, proposal,
                             reply=int(reply) if reply.isdigit() and len(reply) < 12 else None)
    return render(page, view)


@post(PROPOSAL + "/support", name="proposals.support")
async def give_support(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                       proposal: FromPath[int]) -> Template | Redirect:
    """Support the proposal, or withdraw the support (``action=withdraw``); htmx gets the support box alone."""
    url = proposal_url(municipality, round, proposal)
    if page.resident is None:
        return sign_in_redirect(page, url)
    await proposal_in_round(db_session, municipality, round, proposal)
    who = from_resident(page.resident)
    posted = await page.request.form()
    act = support.withdraw if posted.get("action") == "withdraw" else support.support
    done = await attempt(act(db_session, proposal_id=proposal, who=who, now=page.now), page.t)
    notice = done.sentence if isinstance(done, Refused) else None
    if notice is None and not wants_fragment(page):
        return redirect(page, url + "#support")
    view = await detail_page(page, db_session, municipality, round, proposal, notice=notice)
    # htmx swaps only successful answers: its refusal comes as 200 with the sentence in the support box.
    status = done.status if isinstance(done, Refused) and not view.fragment else 200
    return render(page, view, fragment="support", template="proposals.detail", status=status)


HANDLERS = [current, listing, detail, give_support]
