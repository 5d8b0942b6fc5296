"""The voting booth over HTTP: every ballot format, the running total, review, confirmation, receipt, revote,
the ballot kept in the browser only, refusals in plain language, and access per visitor."""

from __future__ import annotations

import base64
import html
import re

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from pb.web import booth_state
from tests.conftest import Clock, Tokens, asgi_transport
from tests.factories import DemoWorld
from tests.pb.voting.election import Election, close_voting, counts
from tests.pb.web.test_signin_pages import csrf_of, sign_in

NBSP = "\xa0"
ROUND = "/tuusula/vote/tuusula-2027"
HYRYLA = f"{ROUND}/hyryla"


async def signed_in(browser: httpx.AsyncClient, person: str = "aino") -> None:
    await sign_in(browser, ROUND, person=person)


def project_ids(html: str) -> dict[str, str]:
    """Project code -> the id of its control on the ballot."""
    found = re.findall(r'id="(field-project-\d+)" name="(?:selections" value="|points\.|rank\.)([A-Z])"', html)
    return {code: field for field, code in found}


async def post_ballot(browser: httpx.AsyncClient, path: str, fields: list[tuple[str, str]], *,
                      action: str = "update", headers: dict[str, str] | None = None) -> httpx.Response:
    page = await browser.get(path)
    config_hash = re.search(r'name="config_hash" value="([0-9a-f]{64})"', page.text)
    assert config_hash is not None, page.text
    data: dict[str, list[str]] = {"csrf_token": [csrf_of(page.text)], "config_hash": [config_hash.group(1)],
                                  "action": [action]}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return await browser.post(path, data=data, headers=headers or {})


def hidden_fields(html: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        fields.setdefault(name, []).append(value)
    return fields


def text(response: httpx.Response) -> str:
    """The page as read: HTML character references resolved."""
    return html.unescape(response.text)


async def vote(browser: httpx.AsyncClient, path: str, fields: list[tuple[str, str]]) -> tuple[httpx.Response, str]:
    """Fill in the ballot, review it, send it; returns the receipt page and its receipt."""
    to_review = await post_ballot(browser, path, fields, action="review")
    assert to_review.status_code == 303, to_review.text
    assert to_review.headers["location"] == f"{path}/review"
    review = await browser.get(f"{path}/review")
    assert review.status_code == 200
    sent = await browser.post(f"{path}/confirm", data=hidden_fields(review.text))
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{path}/receipt"
    receipt_page = await browser.get(f"{path}/receipt")
    found = re.search(r"<code>([0-9a-f]{64})</code>", receipt_page.text)
    assert found is not None, receipt_page.text
    return receipt_page, found.group(1)


async def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back(
    browser: httpx.AsyncClient, election: Election
) -> None:
    for path in (ROUND, HYRYLA, f"{HYRYLA}/review", f"{HYRYLA}/receipt"):
        page = await browser.get(path)
        assert page.status_code == 302, path
        assert page.headers["location"] == f"/tuusula/sign-in?next={path.replace('/', '%2F')}"


async def test_an_official_s_api_token_does_not_open_the_booth(
    browser: httpx.AsyncClient, election: Election, tokens: Tokens, world: DemoWorld
) -> None:
    headers = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    page = await browser.get(HYRYLA, headers=headers)
    assert page.status_code == 302 and page.headers["location"].startswith("/tuusula/sign-in")


async def test_the_budget_list_says_where_the_resident_may_vote_and_why_not_elsewhere(
    browser: httpx.AsyncClient, election: Election
) -> None:
    await signed_in(browser)
    page = await browser.get(ROUND + "?lang=en")
    assert page.status_code == 200
    assert f'href="{HYRYLA}"' in page.text
    assert 'href="/tuusula/vote/tuusula-2027/jokela"' not in page.text
    assert "Only residents of the network's area can vote in this budget. Your postal code is 04300." in text(page)
    assert page.headers["cache-control"] == "private, no-store"


async def test_the_ballot_within_the_budget_states_the_total_in_words_and_what_no_longer_fits(
    browser: httpx.AsyncClient, election: Election
) -> None:
    await signed_in(browser)
    empty = await browser.get(HYRYLA + "?lang=en")
    assert empty.status_code == 200
    assert f"Together the projects you choose may cost at most 2{NBSP}500{NBSP}€." in empty.text
    assert f"0{NBSP}€ of 2{NBSP}500{NBSP}€ used; 2{NBSP}500{NBSP}€ left." in empty.text
    assert 'aria-live="polite"' in empty.text and 'id="summary"' in empty.text

    updated = await post_ballot(browser, HYRYLA, [("selections", "A"), ("selections", "B")])

    assert updated.status_code == 200
    assert f"2{NBSP}200{NBSP}€ of 2{NBSP}500{NBSP}€ used; 300{NBSP}€ left." in updated.text
    assert "2 projects no longer fit in what is left:" in updated.text
    assert updated.text.count("Does not fit in what is left of the budget.") == 2  # beside C and D
    listed = updated.text[updated.text.index('id="summary"'):]
    assert f'<span lang="fi">Hanke C</span> (600{NBSP}€)' in listed  # titles written in Finnish only
    assert f'<span lang="fi">Hanke D</span> (2{NBSP}000{NBSP}€)' in listed
    ids = project_ids(updated.text)
    assert re.search(rf'id="{ids["A"]}" name="selections" value="A" checked', updated.text)


async def test_an_over_budget_ballot_is_refused_with_a_message_naming_the_limit(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    refused = await post_ballot(browser, HYRYLA + "?lang=en",
                                [("selections", "A"), ("selections", "B"), ("selections", "C")], action="review")

    assert refused.status_code == 422
    assert "<title>Error: " in refused.text
    assert (f"The projects you chose cost 2{NBSP}800{NBSP}€ together, but you can use at most 2{NBSP}500{NBSP}€. "
            "Remove a project.") in refused.text
    assert 'href="#field-choices"' in refused.text and 'id="field-choices"' in refused.text
    assert await counts(engine) == (0, 0)
    assert (await browser.get(f"{HYRYLA}/review")).status_code == 303  # no valid ballot to review


async def test_a_resident_votes_reviews_confirms_and_gets_a_receipt_that_is_never_cached(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    await post_ballot(browser, HYRYLA, [("selections", "A"), ("selections", "C")], action="review")
    review = await browser.get(f"{HYRYLA}/review?lang=en")
    assert "Check your vote" in review.text and "Send my vote" in review.text
    assert review.text.index("Hanke A") < review.text.index("Send my vote")
    assert "Hanke B" not in review.text
    assert await counts(engine, election.budgets["hyryla"]) == (0, 0)  # the review casts nothing

    receipt_page, receipt = await vote(browser, HYRYLA, [("selections", "A"), ("selections", "C")])

    assert receipt_page.headers["cache-control"] == "private, no-store"
    assert "Your receipt" in (await browser.get(f"{HYRYLA}/receipt?lang=en")).text
    assert await counts(engine, election.budgets["hyryla"]) == (1, 1)
    board = await browser.get(f"/budgets/{election.budgets['hyryla']}/board")
    assert board.status_code == 404  # published only when voting closes
    assert receipt not in receipt_page.headers.get("location", "")


async def test_changing_the_vote_replaces_it_and_gives_a_new_receipt(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    _, first = await vote(browser, HYRYLA, [("selections", "A")])
    again = await browser.get(HYRYLA + "?lang=en")
    assert "You have already voted in this budget. You can change your vote until" in again.text
    assert re.search(r'name="selections" value="A" checked', again.text)  # starts from the vote kept in the browser

    _, second = await vote(browser, HYRYLA, [("selections", "D")])

    assert second != first
    assert await counts(engine, election.budgets["hyryla"]) == (1, 1)


async def test_sending_the_same_confirmation_twice_casts_once(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    await post_ballot(browser, HYRYLA, [("selections", "B")], action="review")
    review = await browser.get(f"{HYRYLA}/review")
    hidden = hidden_fields(review.text)
    first = await browser.post(f"{HYRYLA}/confirm", data=hidden)
    receipt = re.search(r"<code>(\w+)</code>", (await browser.get(f"{HYRYLA}/receipt")).text)
    second = await browser.post(f"{HYRYLA}/confirm", data=hidden)
    again = re.search(r"<code>(\w+)</code>", (await browser.get(f"{HYRYLA}/receipt")).text)

    assert first.status_code == second.status_code == 303
    assert receipt is not None and again is not None and receipt.group(1) == again.group(1)
    assert await counts(engine, election.budgets["hyryla"]) == (1, 1)


async def test_points_are_shared_within_the_total_and_too_many_are_refused(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    path = f"{ROUND}/kunta"
    page = await browser.get(path + "?lang=en")
    assert "You have 10 points to give." in page.text and "One project can get at most 5 points." in page.text
    updated = await post_ballot(browser, path, [("points.A", "5"), ("points.B", "3"), ("points.C", "")])
    assert "8 of 10 points used; 2 left." in updated.text

    too_many = await post_ballot(browser, path, [("points.A", "5"), ("points.B", "5"), ("points.C", "4")],
                                 action="review")
    not_a_number = await post_ballot(browser, path, [("points.A", "kolme")], action="review")
    # More than one problem: each is named, at its project (the booth read only the first, without its project).
    over_one = await post_ballot(browser, path, [("points.A", "6"), ("points.B", "4"), ("points.C", "4")],
                                 action="review")
    assert over_one.status_code == 422
    assert "Give Hanke A from 1 to 5 points, or leave it empty." in over_one.text
    assert "You gave 14 points, but you have 10 points in all. Take some away." in over_one.text
    assert too_many.status_code == 422
    assert "You gave 14 points, but you have 10 points in all. Take some away." in too_many.text
    assert not_a_number.status_code == 422
    assert "Enter the points for Hanke A as a whole number, such as 3." in not_a_number.text

    _, receipt = await vote(browser, path, [("points.A", "5"), ("points.C", "2")])
    assert len(receipt) == 64
    assert await counts(engine, election.budgets["kunta"]) == (1, 1)


async def test_a_ranked_ballot_orders_projects_by_selects_and_refuses_a_shared_place(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    path = f"{ROUND}/ranked"
    page = await browser.get(path + "?lang=en")
    assert "Put the projects you want in order. Place 1 is the project you want most." in page.text
    assert page.text.count('<option value="3"') == 4 and '<option value="4"' not in page.text  # at most 3
    assert ">Update the order</button>" in page.text and "Update the total" not in page.text  # no sum to update

    shared = await post_ballot(browser, path, [("rank.A", "1"), ("rank.B", "1")], action="review")
    assert shared.status_code == 422
    assert "Give each project its own place: place 1 is given to more than one project." in shared.text

    await post_ballot(browser, path, [("rank.C", "1"), ("rank.A", "2")], action="review")
    review = await browser.get(f"{path}/review?lang=en")
    assert review.text.index("Hanke C") < review.text.index("Hanke A")
    _, receipt = await vote(browser, path, [("rank.C", "1"), ("rank.A", "2")])
    assert await counts(engine, election.budgets["ranked"]) == (1, 1)
    assert receipt


async def test_htmx_gets_the_summary_alone_with_the_fit_notes_out_of_band(
    browser: httpx.AsyncClient, election: Election
) -> None:
    await signed_in(browser)
    fragment = await post_ballot(browser, HYRYLA + "?lang=en", [("selections", "D")], headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<h1" not in fragment.text
    assert f"2{NBSP}000{NBSP}€ of 2{NBSP}500{NBSP}€ used; 500{NBSP}€ left." in fragment.text
    assert fragment.text.count('hx-swap-oob="innerHTML"') == 4
    assert "HX-Request" in fragment.headers["vary"]
    kept = await browser.get(HYRYLA)  # the change was kept in the browser as it happened
    assert re.search(r'name="selections" value="D" checked', kept.text)


async def test_the_ballot_in_progress_lives_only_in_this_session_s_browser_cookie(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser)
    await post_ballot(browser, HYRYLA, [("selections", "B")])
    cookie = browser.cookies.get(booth_state.COOKIE)
    assert cookie is not None
    sealed = base64.urlsafe_b64decode(cookie.strip('"'))
    assert b'"B"' not in sealed and b'"d"' not in sealed  # encrypted, not merely encoded
    assert await counts(engine) == (0, 0)

    page = await browser.get("/tuusula")
    await browser.post("/tuusula/sign-out", data={"csrf_token": csrf_of(page.text)})
    await signed_in(browser)  # the same person, a new session: the old cookie no longer opens
    fresh = await browser.get(HYRYLA)
    assert not re.search(r'value="B" checked', fresh.text)


async def test_projects_keep_one_order_per_voter_and_voters_get_different_orders(
    browser: httpx.AsyncClient, election: Election, app: Litestar
) -> None:
    await signed_in(browser)
    order = list(project_ids((await browser.get(f"{ROUND}/kunta")).text))
    assert order == list(project_ids((await browser.get(f"{ROUND}/kunta")).text))
    others = []
    for person in ("matti", "liisa", "juhani"):
        async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as other:
            await signed_in(other, person)
            others.append(list(project_ids((await other.get(f"{ROUND}/kunta")).text)))
    assert sorted(order) == ["A", "B", "C", "D"]
    assert any(o != order for o in others)


async def test_a_resident_outside_the_area_is_told_why_and_cannot_cast(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine
) -> None:
    await signed_in(browser, "matti")  # Riihikallio
    page = await browser.get(HYRYLA + "?lang=en")
    assert page.status_code == 200
    assert "Only residents of the network's area can vote in this budget. Your postal code is 04320." in text(page)
    assert 'name="selections"' not in page.text
    forged = await browser.post(f"{HYRYLA}/confirm", data={
        "csrf_token": csrf_of(page.text), "config_hash": election.config_hash, "selections": "A"})
    assert forged.status_code == 403
    assert await counts(engine) == (0, 0)


async def test_a_changed_configuration_and_a_closed_vote_are_explained(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine, clock: Clock
) -> None:
    await signed_in(browser)
    page = await browser.get(HYRYLA)
    stale = await browser.post(f"{HYRYLA}/confirm", data={
        "csrf_token": csrf_of(page.text), "config_hash": "0" * 64, "selections": "A"})
    assert stale.status_code == 409
    assert "Äänestyslippu on muuttunut" in stale.text and f'href="{HYRYLA}"' in stale.text

    await close_voting(engine, clock, election)
    closed = await browser.get(HYRYLA + "?lang=sv")
    assert closed.status_code == 409
    assert "Röstningen har avslutats" in closed.text
    assert await counts(engine) == (0, 0)


async def test_an_unknown_budget_or_round_is_the_404_page(browser: httpx.AsyncClient, election: Election) -> None:
    await signed_in(browser)
    for path in (f"{ROUND}/nowhere", "/tuusula/vote/tuusula-1999/hyryla", "/jarvenpaa/vote/tuusula-2027/hyryla"):
        assert (await browser.get(path)).status_code == 404, path


async def test_the_front_page_leads_to_the_booth_while_voting_is_open(
    browser: httpx.AsyncClient, election: Election
) -> None:
    page = await browser.get("/tuusula?lang=en")
    assert f'href="{ROUND}">Vote</a>' in page.text
