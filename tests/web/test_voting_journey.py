"""A resident's whole vote in Chromium, on a pb server of its own: sign in, vote within the budget (an over-budget
choice refused with the limit named), vote with points, review, confirm, keep the receipt, change the vote; then,
after the round's officials close voting and publish, check the receipt on the board and read the project's
explanation on the results page. The ballot flow also passes with JavaScript off and by keyboard alone.

The server is this module's own: its last test closes voting, which other browser tests must not see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.checks import Visit, check_page
from tests.web.conftest import DESKTOP, PHONE, NewPage, Server, Visitor, api_headers, screenshot, serve_demo

ROUND = "/tuusula/vote/tuusula-2027"
HYRYLA = f"{ROUND}/hyryla"
WHOLE_TOWN = f"{ROUND}/koko-tuusula"
RECEIPT = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def pb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("pb-journey")) as server:
        yield server


def sign_in(page: Page, person: str = "Aino Virtanen") -> None:
    page.goto(ROUND)  # sends a visitor who is not signed in to the development IdP's list of test people
    page.get_by_role("link", name=person).click()
    page.wait_for_url(f"**{ROUND}")


def project(page: Page, title: str) -> str:
    """The id of the ballot control labelled with this project's title."""
    control = page.get_by_label(re.compile(re.escape(title)))
    return str(control.get_attribute("id"))


def receipt_of(page: Page) -> str:
    code = page.locator(".pb-receipt__code code").inner_text().strip()
    assert RECEIPT.match(code), code
    return code


def send(page: Page) -> str:
    """From the review page: send the vote and return its receipt."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your vote")
    page.get_by_role("button", name="Send my vote").click()
    page.wait_for_url("**/receipt")
    return receipt_of(page)


def official(server: Server) -> dict[str, str]:
    """An official's API token for Tuusula, issued by ``pb token`` against the server's own database."""
    return api_headers(server, "--role", "official", "--subject", "osallisuus@tuusula.example",
                       "--municipality", "tuusula")


def close_and_publish(server: Server) -> None:
    headers = official(server)
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as api:
        round_id = next(r["id"] for r in api.get("/rounds").json() if r["slug"] == "tuusula-2027")
        moved = api.post(f"/rounds/{round_id}/transitions", json={"to": "tallying"})
        assert moved.status_code == 200, moved.text
        for budget in api.get(f"/rounds/{round_id}/budgets").json():
            for step in ("confirm", "publish"):
                body = {"acknowledge_small_count": True} if step == "publish" else None
                done = api.post(f"/budgets/{budget['id']}/result/{step}", json=body)
                assert done.status_code == 200, f"{budget['slug']} {step}: {done.text}"


def test_without_javascript_the_ballot_is_a_form_that_gives_a_receipt(new_page: NewPage, screenshots: Path) -> None:
    visitor = Visitor("fi", PHONE, javascript=False)
    page = new_page(visitor)
    sign_in(page, "Matti Korhonen")
    page.goto(f"{ROUND}/kulttuuri")
    selects = page.locator("select.pb-select")
    selects.nth(0).select_option(label="Sija 2")
    selects.nth(1).select_option(label="Sija 1")
    page.get_by_role("button", name="Päivitä järjestys").click()  # the form posts and the page comes back
    expect(page.locator("#summary")).to_be_visible()
    page.get_by_role("button", name="Tarkista äänesi").click()
    page.wait_for_url(f"**{ROUND}/kulttuuri/review")
    ranked = page.locator(".pb-check-list__item")
    expect(ranked).to_have_count(2)
    page.get_by_role("button", name="Lähetä ääneni").click()
    page.wait_for_url("**/receipt")
    receipt_of(page)
    screenshot(page, screenshots, "booth-receipt-fi-375-nojs")


def test_the_ballot_works_by_keyboard_alone(new_page: NewPage) -> None:
    page = new_page(Visitor("sv", DESKTOP))
    sign_in(page, "Liisa Mäkinen")
    page.goto(f"{ROUND}/kulttuuri")
    first_select = page.locator("select.pb-select").first
    first_select.focus()
    page.keyboard.press("ArrowDown")  # the first place
    review = page.get_by_role("button", name="Kontrollera din röst")
    while not review.evaluate("(el) => el === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{ROUND}/kulttuuri/review")
    send_button = page.get_by_role("button", name="Skicka min röst")
    while not send_button.evaluate("(el) => el === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt")
    receipt_of(page)


def test_a_resident_votes_changes_the_vote_and_checks_it_after_the_results(
    new_page: NewPage, pb_server: Server, screenshots: Path
) -> None:
    visitor = Visitor("en", PHONE)
    page = new_page(visitor)
    sign_in(page)

    # Within the budget: the running total follows each choice, and what no longer fits says so.
    page.get_by_role("link", name=re.compile("Hyrylä")).first.click()
    page.wait_for_url(f"**{HYRYLA}")
    page.check(f"#{project(page, 'Outdoor gym in Hyrylä park')}")
    page.check(f"#{project(page, 'Lighting for the dog park')}")
    expect(page.locator("#summary")).to_contain_text("2 300 € of 2 500 € used; 200 € left.")
    assert check_page(page, visitor, Visit("booth-knapsack", HYRYLA), screenshots) == []

    # Over the budget: refused, naming the limit, and nothing is cast.
    page.check(f"#{project(page, 'Benches along Rantatie')}")
    page.get_by_role("button", name="Check your vote").click()
    expect(page.locator(".hds-notification--error, [role=alert]").first).to_contain_text("at most 2 500 €")
    page.uncheck(f"#{project(page, 'Lighting for the dog park')}")
    page.get_by_role("button", name="Check your vote").click()
    page.wait_for_url(f"**{HYRYLA}/review")
    assert check_page(page, visitor, Visit("booth-review", f"{HYRYLA}/review"), screenshots) == []
    first = send(page)
    assert check_page(page, visitor, Visit("booth-receipt", f"{HYRYLA}/receipt"), screenshots) == []

    # Points in the municipality-wide budget.
    page.goto(WHOLE_TOWN)
    page.fill(f"#{project(page, 'Art in the underpasses')}", "4")
    page.fill(f"#{project(page, 'Digital help for older people')}", "6")
    page.get_by_role("button", name="Check your vote").click()
    expect(page.get_by_role("alert").first).to_contain_text("5")  # at most 5 points on one project
    page.fill(f"#{project(page, 'Digital help for older people')}", "5")
    page.get_by_role("button", name="Check your vote").click()
    page.wait_for_url(f"**{WHOLE_TOWN}/review")
    expect(page.locator(".pb-check-list")).to_contain_text("5 points")
    send(page)

    # Changing the vote: it starts from the vote kept in this browser and gives a new receipt.
    page.goto(HYRYLA)
    expect(page.get_by_text("You have already voted in this budget.")).to_be_visible()
    expect(page.locator(f"#{project(page, 'Outdoor gym in Hyrylä park')}")).to_be_checked()
    page.uncheck(f"#{project(page, 'Benches along Rantatie')}")
    page.check(f"#{project(page, 'Lighting for the dog park')}")
    page.get_by_role("button", name="Check your vote").click()
    page.wait_for_url(f"**{HYRYLA}/review")
    expect(page.get_by_text("This vote replaces the vote you sent earlier in this budget.")).to_be_visible()
    latest = send(page)
    assert latest != first

    close_and_publish(pb_server)

    page.goto("/tuusula/receipts")
    page.get_by_label("Receipt").fill(latest)
    page.get_by_role("button", name="Check the receipt").click()
    answer = page.get_by_role("status").filter(has_text="Your vote is on the board")
    expect(answer).to_contain_text("Outdoor gym in Hyrylä park")
    expect(answer).to_contain_text("Lighting for the dog park")
    expect(answer).not_to_contain_text("Benches along Rantatie")
    assert check_page(page, visitor, Visit("receipt-on-board", "/tuusula/receipts"), screenshots) == []
    page.get_by_label("Receipt").fill(first)
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.get_by_role("status")).to_contain_text("This receipt was replaced")  # this browser remembers
    # Anyone else holding the replaced receipt learns no more than of a mistyped one.
    other = new_page(Visitor("en", PHONE))
    other.goto("/tuusula/receipts")
    other.get_by_label("Receipt").fill(first)
    other.get_by_role("button", name="Check the receipt").click()
    expect(other.get_by_role("status")).to_contain_text("No vote on the board has this receipt")

    page.goto("/tuusula/results/tuusula-2027/hyryla")
    gym = page.locator(".pb-explanations li").filter(has_text="Outdoor gym in Hyrylä park")
    expect(gym).to_contain_text("funded")
    assert check_page(page, visitor, Visit("results-hyryla", "/tuusula/results/tuusula-2027/hyryla"), screenshots) == []
