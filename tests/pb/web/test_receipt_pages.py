"""The receipt check page over HTTP: what it can prove before and after the board is published, a replaced
receipt, mistakes in the code, and that the receipt never travels in the URL or stays in a cache."""

from __future__ import annotations

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock, asgi_transport
from tests.pb.voting.election import Election, close_voting
from tests.pb.web.test_signin_pages import csrf_of
from tests.pb.web.test_vote_pages import HYRYLA, ROUND, signed_in, text, vote

CHECK = "/tuusula/receipts"


async def check(browser: httpx.AsyncClient, receipt: str, lang: str = "en") -> httpx.Response:
    form = await browser.get(f"{CHECK}?lang={lang}")
    return await browser.post(f"{CHECK}?lang={lang}", data={"csrf_token": csrf_of(form.text), "receipt": receipt})


async def test_before_the_board_is_published_only_this_browser_s_own_receipt_is_known(
    browser: httpx.AsyncClient, election: Election, app: Litestar
) -> None:
    await signed_in(browser)
    _, receipt = await vote(browser, HYRYLA, [("selections", "A")])

    own = await check(browser, receipt)
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as elsewhere:
        other = await check(elsewhere, receipt)

    assert own.status_code == 200 and "This browser got this receipt when you voted" in own.text
    assert other.status_code == 200 and "No vote on the board has this receipt" in other.text
    assert own.headers["cache-control"] == other.headers["cache-control"] == "private, no-store"
    assert receipt not in str(own.url) and receipt not in own.headers.get("location", "")


async def test_after_voting_closes_any_device_finds_the_vote_with_its_choices(
    browser: httpx.AsyncClient, election: Election, app: Litestar, engine: AsyncEngine, clock: Clock
) -> None:
    await signed_in(browser)
    _, receipt = await vote(browser, f"{ROUND}/kunta", [("points.B", "4"), ("points.D", "1")])
    await close_voting(engine, clock, election)

    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as elsewhere:
        spaced = " ".join(receipt[i:i + 8] for i in range(0, 64, 8)).upper()
        found = await check(elsewhere, spaced)

    assert found.status_code == 200
    page = text(found)
    assert "Your vote is on the board" in page
    assert "Koko kunta" in page and "Hanke B" in page and "4 points" in page and "1 point" in page
    assert "Hanke A" not in page
    assert f'href="/budgets/{election.budgets["kunta"]}/board"' in found.text


async def test_a_receipt_that_a_revote_replaced_says_so_in_the_browser_that_got_it(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine, clock: Clock
) -> None:
    await signed_in(browser)
    _, first = await vote(browser, HYRYLA, [("selections", "A")])
    _, latest = await vote(browser, HYRYLA, [("selections", "B")])
    await close_voting(engine, clock, election)

    replaced = await check(browser, first)
    counted = await check(browser, latest)

    assert "This receipt was replaced" in replaced.text
    assert "Only your latest vote counts and is published" in replaced.text
    assert "Your vote is on the board" in counted.text and "Hanke B" in text(counted)


async def test_a_mistyped_receipt_is_shown_again_with_what_to_fix(
    browser: httpx.AsyncClient, election: Election
) -> None:
    for typed in ("", "abc", "g" * 64, "1" * 65):
        answer = await check(browser, typed, lang="fi")
        assert answer.status_code == 422, typed
        assert "<title>Virhe: " in answer.text
        assert 'href="#field-receipt"' in answer.text and 'id="field-receipt"' in answer.text
    answer = await check(browser, "g" * 64)
    assert "Enter the receipt as it is on your receipt page: 64 characters" in answer.text


async def test_a_receipt_of_another_municipality_s_board_is_not_shown_here(
    browser: httpx.AsyncClient, election: Election, engine: AsyncEngine, clock: Clock, app: Litestar
) -> None:
    await signed_in(browser)
    _, receipt = await vote(browser, HYRYLA, [("selections", "C")])
    await close_voting(engine, clock, election)
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="https://pb.test") as elsewhere:
        form = await elsewhere.get("/jarvenpaa/receipts?lang=en")
        answer = await elsewhere.post("/jarvenpaa/receipts?lang=en",
                                      data={"csrf_token": csrf_of(form.text), "receipt": receipt})

    assert answer.status_code == 200
    assert "No vote on the board has this receipt" in answer.text and "Hanke C" not in answer.text
