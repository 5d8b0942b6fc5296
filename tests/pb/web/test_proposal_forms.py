"""The proposals' forms over HTTP: send and edit a proposal, comment and ask, support and withdraw, offer help, and
"my page"; sign-in first, CSRF on every form, errors linked to their fields, the services' refusals in words."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import func, select

from pb.core.db import create_sessionmaker
from pb.core.models import Role
from pb.proposals.models import Proposal, ProposalComment, ProposalSupport, VolunteerOffer
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.proposals.helpers import move, open_deliberation
from tests.pb.voting.election import Election
from tests.pb.web.test_signin_pages import csrf_of, sign_in
from tests.pb.web.test_vote_pages import vote

ROUND = "/tuusula/proposals/tuusula-2027"


def text(response: httpx.Response) -> str:
    return html.unescape(response.text)


async def official(tokens: Tokens, world: DemoWorld) -> dict[str, str]:
    return await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)


async def taking_proposals(client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld) -> None:
    await move(client, world.round_id, "proposals", await official(tokens, world))


async def post_form(browser: httpx.AsyncClient, form_page: str, action: str, fields: Mapping[str, str | list[str]],
                    **headers: str) -> httpx.Response:
    """Open the page with the form (for this browser's token), then post the form's fields."""
    shown = await browser.get(form_page)
    return await browser.post(action, data={"csrf_token": csrf_of(shown.text), **fields}, headers=headers)


async def count(engine: AsyncEngine, table: type[Proposal | ProposalComment | ProposalSupport | VolunteerOffer]) -> int:
    async with create_sessionmaker(engine)() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


PROPOSAL = {"budget_id": "", "title.fi": "Uusi keinu leikkipuistoon", "description.fi": "Keinu pienille lapsille.",
            "theme": "liikunta", "own_cost": "1 200"}


async def send_proposal(browser: httpx.AsyncClient, world: DemoWorld, **changes: str) -> httpx.Response:
    fields = {**PROPOSAL, "budget_id": str(world.budget_ids["hyryla"]), **changes}
    return await post_form(browser, f"{ROUND}/new", f"{ROUND}/new", fields)


async def test_writing_pages_send_visitors_who_are_not_signed_in_to_sign_in_and_back(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    await taking_proposals(client, tokens, world)
    for path in (f"{ROUND}/new", "/tuusula/my"):
        page = await browser.get(path)
        assert page.status_code == 302, path
        assert page.headers["location"] == f"/tuusula/sign-in?next={path.replace('/', '%2F')}"
    token = csrf_of((await browser.get("/tuusula/receipts")).text)  # a form anyone may send
    posted = await browser.post(f"{ROUND}/new", data={"csrf_token": token, **PROPOSAL})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/tuusula/sign-in?next=")
    with_api_token = await browser.get(f"{ROUND}/new", headers=await official(tokens, world))
    assert with_api_token.status_code == 302  # the pages sign in residents only


async def test_a_resident_sends_a_proposal_and_lands_on_its_page(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, engine: AsyncEngine
) -> None:
    await taking_proposals(client, tokens, world)
    await sign_in(browser, f"{ROUND}/new")
    form = await browser.get(f"{ROUND}/new?lang=en")
    assert form.status_code == 200 and 'novalidate' in form.text and "Send a proposal" in form.text

    sent = await send_proposal(browser, world)

    assert sent.status_code == 303, sent.text
    assert re.fullmatch(rf"{ROUND}/\d+", sent.headers["location"])
    page = await browser.get(sent.headers["location"] + "?lang=en")
    assert "Uusi keinu leikkipuistoon" in page.text and "Edit your proposal" in page.text
    assert "1\xa0200\xa0€" in text(page)
    listed = await browser.get(ROUND)
    assert f'href="{ROUND}/new"' in listed.text and "Uusi keinu leikkipuistoon" in listed.text
    assert await count(engine, Proposal) == 1


async def test_a_proposal_with_errors_is_shown_again_with_each_error_linked_to_its_field(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, engine: AsyncEngine
) -> None:
    await taking_proposals(client, tokens, world)
    await sign_in(browser, f"{ROUND}/new")

    refused = await post_form(browser, f"{ROUND}/new", f"{ROUND}/new?lang=en", {
        "budget_id": "", "title.fi": "", "description.sv": "<script>x</script>", "theme": "", "own_cost": "lots"})

    assert refused.status_code == 422
    shown = text(refused)
    assert "<title>Error: Send a proposal" in shown
    for field, message in (("budget-id", "Choose the budget your proposal is for."),
                           ("title-fi", "Write the title in at least one language."),
                           ("description-sv", "Write plain text: HTML tags and script addresses are not accepted."),
                           ("theme", "Choose a theme."),
                           ("own-cost", "Enter an amount in euros, such as 1 250 or 1 250,50.")):
        assert f'<a href="#field-{field}">{message}</a>' in shown, field
        assert f'id="field-{field}"' in shown
    assert 'value="lots"' in shown  # what the resident typed stays
    assert await count(engine, Proposal) == 0


async def test_a_form_without_its_token_is_refused_and_sends_nothing(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, engine: AsyncEngine
) -> None:
    await taking_proposals(client, tokens, world)
    await sign_in(browser, f"{ROUND}/new")

    forged = await browser.post(f"{ROUND}/new", data={**PROPOSAL, "budget_id": str(world.budget_ids["hyryla"])})

    assert forged.status_code == 403
    assert await count(engine, Proposal) == 0


async def test_only_the_author_edits_and_every_edit_is_a_version(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, app: object
) -> None:
    await taking_proposals(client, tokens, world)
    await sign_in(browser, f"{ROUND}/new")
    page_url = (await send_proposal(browser, world)).headers["location"]
    form = await browser.get(f"{page_url}/edit")
    assert form.status_code == 200 and 'value="Uusi keinu leikkipuistoon"' in form.text

    edited = await post_form(browser, f"{page_url}/edit", f"{page_url}/edit", {
        "title.fi": "Kaksi keinua leikkipuistoon", "description.fi": "Kaksi keinua.", "theme": "liikunta",
        "note": "Kaksi on parempi kuin yksi."})

    assert edited.status_code == 303 and edited.headers["location"] == page_url
    page = await browser.get(page_url + "?lang=en")
    assert "Kaksi keinua leikkipuistoon" in page.text and "Version 2" in page.text
    assert "Kaksi on parempi kuin yksi." in page.text

    await sign_in(browser, page_url, person="matti")
    other = await browser.get(f"{page_url}/edit?lang=en")
    assert other.status_code == 403 and "Only the proposal&#39;s authors can change it." in other.text
    refused = await post_form(browser, f"{page_url}/edit", f"{page_url}/edit", {
        "title.fi": "Kaapattu", "description.fi": "Ei.", "theme": "liikunta"})
    assert refused.status_code == 403
    assert "Kaapattu" not in (await browser.get(page_url)).text


@pytest.fixture
async def deliberating(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, clock: Clock
) -> str:
    """Aino's proposal for Hyrylä, and a deliberation round open now; Aino is signed in. Its page's path."""
    await taking_proposals(client, tokens, world)
    await sign_in(browser, f"{ROUND}/new")
    page_url = (await send_proposal(browser, world)).headers["location"]
    await open_deliberation(client, clock, world.round_id, await official(tokens, world))
    return page_url


async def test_comments_replies_and_questions_are_posted_and_shown_in_their_thread(
    browser: httpx.AsyncClient, deliberating: str, engine: AsyncEngine
) -> None:
    empty = await post_form(browser, deliberating, f"{deliberating}/comments?lang=en", {"kind": "comment",
                                                                                        "body": " "})
    assert empty.status_code == 422 and '<a href="#field-body">Write your message.</a>' in empty.text

    posted = await post_form(browser, deliberating, f"{deliberating}/comments", {
        "kind": "comment", "body": "Keinu olisi hieno!", "show_name": "true", "public_name": "Aino V."})
    assert posted.status_code == 303 and re.search(r"#comment-\d+$", posted.headers["location"])
    first = int(posted.headers["location"].rsplit("-", 1)[1])
    reply_form = await browser.get(f"{deliberating}?reply={first}&lang=en")
    assert "Reply to Aino V." in reply_form.text and f'name="parent_id" value="{first}"' in reply_form.text
    await post_form(browser, deliberating, f"{deliberating}/comments", {"parent_id": str(first), "body": "Niin!"})
    await post_form(browser, deliberating, f"{deliberating}/comments", {"kind": "question",
                                                                        "body": "Milloin keinu tulee?"})

    page = await browser.get(deliberating + "?lang=en")
    thread = page.text[page.text.index('id="comments-title"'):]
    assert thread.index("Keinu olisi hieno!") < thread.index("Niin!")
    assert re.search(r"asukas-[0-9a-f]{6}", thread)  # the reply, without a name, has a pseudonym
    questions = page.text[page.text.index('id="questions-title"'):page.text.index('id="comments-title"')]
    assert "Milloin keinu tulee?" in questions
    assert await count(engine, ProposalComment) == 3


async def test_support_is_given_and_withdrawn_with_and_without_htmx(
    browser: httpx.AsyncClient, deliberating: str, engine: AsyncEngine
) -> None:
    given = await post_form(browser, deliberating, f"{deliberating}/support", {"action": "support"})
    assert given.status_code == 303 and given.headers["location"] == f"{deliberating}#support"
    page = await browser.get(deliberating + "?lang=en")
    assert "1 resident supports this proposal." in page.text and "Withdraw my support" in page.text

    withdrawn = await post_form(browser, deliberating, f"{deliberating}/support?lang=en", {"action": "withdraw"},
                                **{"HX-Request": "true"})

    assert withdrawn.status_code == 200 and "<html" not in withdrawn.text
    assert "0 residents support this proposal." in withdrawn.text and "Support this proposal" in withdrawn.text
    again = await post_form(browser, deliberating, f"{deliberating}/support?lang=en", {"action": "withdraw"})
    assert again.status_code == 404 and "You do not support this proposal." in again.text
    assert await count(engine, ProposalSupport) == 0


async def test_a_resident_outside_the_budget_s_area_is_told_why_they_cannot_support(
    browser: httpx.AsyncClient, deliberating: str, engine: AsyncEngine
) -> None:
    await sign_in(browser, deliberating, person="liisa")  # lives in Jokela

    refused = await post_form(browser, deliberating, f"{deliberating}/support?lang=en", {"action": "support"})

    assert refused.status_code == 403
    assert "Only residents who may vote in this budget can take part in its proposals" in text(refused)
    assert await count(engine, ProposalSupport) == 0


async def test_an_offer_of_help_shows_the_name_only_with_consent(
    browser: httpx.AsyncClient, deliberating: str, engine: AsyncEngine
) -> None:
    missing = await post_form(browser, f"{deliberating}/volunteer", f"{deliberating}/volunteer?lang=en", {
        "kind": "resident", "name": "Aino", "message": ""})
    assert missing.status_code == 422
    assert '<a href="#field-offers">Choose at least one way you can help.</a>' in missing.text
    assert '<a href="#field-message">Tell the proposers how you can help.</a>' in missing.text

    sent = await post_form(browser, f"{deliberating}/volunteer", f"{deliberating}/volunteer", {
        "kind": "association", "name": "Hyrylän Keinuseura", "offers": ["time", "materials"],
        "message": "Tuomme ruuvit.", "contact": "seura@example.org"})

    assert sent.status_code == 303
    page = await browser.get(deliberating + "?lang=en")
    assert "1 person or organisation has offered to help" in page.text
    assert "Hyrylän Keinuseura" not in page.text and "seura@example.org" not in page.text
    await sign_in(browser, deliberating, person="sanna-bank")
    await post_form(browser, f"{deliberating}/volunteer", f"{deliberating}/volunteer", {
        "kind": "resident", "name": "Sanna L.", "show_name": "true", "offers": "skills", "message": "Osaan hitsata."})
    assert "Sanna L." in (await browser.get(deliberating)).text
    assert await count(engine, VolunteerOffer) == 2


async def test_my_page_lists_my_proposals_supports_and_offers(browser: httpx.AsyncClient, deliberating: str) -> None:
    await post_form(browser, deliberating, f"{deliberating}/support", {"action": "support"})
    await post_form(browser, f"{deliberating}/volunteer", f"{deliberating}/volunteer", {
        "kind": "resident", "name": "Aino", "offers": "time", "message": "Autan."})

    page = await browser.get("/tuusula/my?lang=en")

    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
    for section in ("proposed-title", "supported-title", "volunteered-title"):
        part = page.text[page.text.index(f'id="{section}"'):]
        assert f'href="{deliberating}"' in part[: part.index("</section>")], section


async def test_my_page_says_where_i_have_voted_never_how_and_links_the_kept_receipt(
    browser: httpx.AsyncClient, election: Election
) -> None:
    await sign_in(browser, "/tuusula/my")
    _, receipt = await vote(browser, "/tuusula/vote/tuusula-2027/hyryla", [("selections", "A")])

    page = await browser.get("/tuusula/my?lang=en")

    hyryla = page.text[page.text.index('href="/tuusula/vote/tuusula-2027/hyryla"'):]
    assert "You have voted." in hyryla[: hyryla.index("</li>")]
    assert 'href="/tuusula/vote/tuusula-2027/hyryla/receipt"' in page.text
    assert "Only residents of the network's area can vote in this budget. Your postal code is 04300." in text(page)
    assert receipt not in page.text and "Hanke A" not in page.text
