"""axe-core on the voting booth, its review and receipt pages and the results page of every ballot format pb
supports, in fi, sv and en, on a 375 px phone (issue 13's width) and a desktop; and on the receipt check's answer.

One server for the module (its votes must not reach other modules' pages) and one signed-in browser context per
visitor, reused by every format: each test votes once in the 2027 budget of its format (a revote after the
first visitor) and opens the 2026 round's published results of the same format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from pb.core.models import BallotFormat
from tests.web.checks import Visit, check_page, check_shown
from tests.web.conftest import DESKTOP, LOCALES, PHONE, Server, Visitor, serve_demo

VISITORS = [Visitor(locale, width) for locale in ("fi", "sv", "en") for width in (PHONE, DESKTOP)]
BUDGETS = {
    BallotFormat.KNAPSACK: "hyryla",
    BallotFormat.APPROVAL: "elinkeinoverkosto",  # at least one project, at most three
    BallotFormat.CUMULATIVE: "koko-tuusula",
    BallotFormat.RANKED: "kulttuuri",
}
"""A budget of each format, with the same slug in both demo rounds."""
VOTE = "/tuusula/vote/tuusula-2027"
RESULTS = "/tuusula/results/tuusula-2026"


def test_every_ballot_format_is_checked() -> None:
    assert set(BUDGETS) == set(BallotFormat)


@pytest.fixture(scope="module")
def pb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("pb-a11y")) as server:
        yield server


@pytest.fixture(scope="module")
def signed_in(chromium: Browser, pb_server: Server) -> Iterator[Callable[[Visitor], Page]]:
    """``signed_in(visitor)``: that visitor's page, signed in as the development IdP's Aino (Hyrylä) once."""
    pages: dict[Visitor, Page] = {}
    contexts: list[BrowserContext] = []

    def page_for(visitor: Visitor) -> Page:
        if visitor not in pages:
            context = chromium.new_context(locale=LOCALES[visitor.locale], base_url=pb_server.url,
                                           viewport={"width": visitor.width, "height": 900})
            context.set_default_timeout(10_000)
            contexts.append(context)
            page = context.new_page()
            page.goto(f"/tuusula/sign-in?next={VOTE}")
            page.get_by_role("link", name="Aino Virtanen").click()
            page.wait_for_url(f"**{VOTE}")
            pages[visitor] = page
        return pages[visitor]

    yield page_for
    for context in contexts:
        context.close()


def choose(page: Page, ballot_format: BallotFormat) -> None:
    """A valid ballot of the format: its first project (knapsack's first fits the budget on its own)."""
    if ballot_format in (BallotFormat.APPROVAL, BallotFormat.KNAPSACK):
        page.locator(".pb-ballot input[type=checkbox]").first.check()
    elif ballot_format is BallotFormat.CUMULATIVE:
        page.locator(".pb-ballot .pb-points__input").first.fill("3")
    else:
        page.locator(".pb-ballot select.pb-select").first.select_option(index=1)  # the first place


@pytest.mark.parametrize("ballot_format", list(BUDGETS), ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.label)
def test_booth_review_receipt_and_results_pass_every_check(
    signed_in: Callable[[Visitor], Page], screenshots: Path, visitor: Visitor, ballot_format: BallotFormat
) -> None:
    page = signed_in(visitor)
    booth = f"{VOTE}/{BUDGETS[ballot_format]}"

    found = check_page(page, visitor, Visit(f"booth-{ballot_format}", booth), screenshots)
    choose(page, ballot_format)
    page.locator("button[name=action][value=review]").click()
    page.wait_for_url(f"**{booth}/review")
    found += check_shown(page, visitor, f"booth-review-{ballot_format}", screenshots)
    page.locator(f"form[action$='{booth}/confirm'] button[type=submit]").click()
    page.wait_for_url(f"**{booth}/receipt")
    found += check_shown(page, visitor, f"booth-receipt-{ballot_format}", screenshots)
    found += check_page(page, visitor, Visit(f"results-{ballot_format}", f"{RESULTS}/{BUDGETS[ballot_format]}"),
                        screenshots)

    assert found == []


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.label)
def test_the_receipt_check_s_answer_passes_every_check(
    signed_in: Callable[[Visitor], Page], pb_server: Server, screenshots: Path, visitor: Visitor
) -> None:
    page = signed_in(visitor)
    round_id = next(r["id"] for r in httpx.get(f"{pb_server.url}/rounds").json() if r["slug"] == "tuusula-2026")
    budget_id = httpx.get(f"{pb_server.url}/rounds/{round_id}/budgets").json()[0]["id"]
    receipt = httpx.get(f"{pb_server.url}/budgets/{budget_id}/board").json()["ballots"][0]["receipt"]
    page.goto("/tuusula/receipts")

    page.locator("input[name=receipt]").fill(receipt)
    page.locator("form[action$='/receipts'] button[type=submit]").click()

    expect(page.locator("[role=status] .pb-check-list__item").first).to_be_visible()  # the vote, on the board
    assert check_shown(page, visitor, "receipt-check-2026", screenshots) == []
