"""What residents do on the public pages, in the browser: switch language, filter, skip, sign in and out."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.web.checks import Visit, check_page
from tests.web.conftest import DESKTOP, PHONE, NewPage, Server, Visitor, screenshot


def test_the_language_picked_in_the_switcher_stays_on_other_pages(new_page: NewPage) -> None:
    page = new_page(Visitor("fi", PHONE))
    page.goto("/tuusula")

    page.get_by_role("link", name="Svenska").click()

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("link", name="Jokela utvecklingsnätverk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jokela utvecklingsnätverk")
    page.goto("/tuusula/accessibility")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsutlåtande")


def test_with_javascript_the_network_filter_updates_the_list_in_place_and_keeps_focus(new_page: NewPage) -> None:
    page = new_page(Visitor("fi", DESKTOP))
    page.goto("/tuusula")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.locator("label[for=kind-theme]").click()  # HDS draws the radio on its label, which people click

    expect(page.locator("#networks .pb-networks__count")).to_have_text("1 verkosto")
    expect(page).to_have_url("/tuusula?kind=theme")
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert page.evaluate("() => document.activeElement.id") == "kind-theme"


def test_without_javascript_the_filter_is_a_form_that_reloads_the_page(new_page: NewPage) -> None:
    page = new_page(Visitor("fi", PHONE, javascript=False))
    page.goto("/tuusula")

    page.locator("label[for=kind-regional]").click()
    page.get_by_role("button", name="Näytä verkostot").click()

    page.wait_for_url("**/tuusula?kind=regional")
    assert "4 verkostoa" in page.content()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(new_page: NewPage) -> None:
    page = new_page(Visitor("en", PHONE))
    page.goto("/tuusula")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    assert page.evaluate("() => document.activeElement.id") == "main"


def test_a_resident_signs_in_with_the_test_identity_and_out_again(new_page: NewPage, screenshots: Path) -> None:
    visitor = Visitor("fi", PHONE)
    page = new_page(visitor)
    page.goto("/tuusula/networks/hyryla")

    page.get_by_role("link", name="Kirjaudu sisään").click()
    page.get_by_role("link", name="Aino Virtanen").click()

    page.wait_for_url("**/tuusula/networks/hyryla")
    expect(page.get_by_text("Kirjautunut (postinumero 04300)")).to_be_visible()
    assert check_page(page, visitor, Visit("network-signed-in", "/tuusula/networks/hyryla"), screenshots) == []
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_url("**/tuusula")
    expect(page.get_by_role("link", name="Kirjaudu sisään")).to_be_visible()


def test_signed_in_pages_are_never_cached(new_page: NewPage, screenshots: Path) -> None:
    page = new_page(Visitor("en", DESKTOP, javascript=False))
    page.goto("/tuusula")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Matti Korhonen").click()
    page.wait_for_url("**/tuusula")

    response = page.goto("/tuusula")

    assert response is not None and response.headers["cache-control"] == "private, no-store"
    screenshot(page, screenshots, "front-signed-in-en-1280-nojs")


def test_the_filter_works_by_keyboard_alone(new_page: NewPage) -> None:
    page = new_page(Visitor("sv", PHONE))
    page.goto("/tuusula")
    page.locator("#kind-all").focus()

    page.keyboard.press("ArrowRight")

    expect(page.locator("#networks .pb-networks__count")).to_have_text("4 nätverk")
    assert page.evaluate("() => document.activeElement.id") == "kind-regional"


def test_sign_in_started_under_another_loopback_name_comes_back_signed_in(
    new_page: NewPage, pb_server: Server,
) -> None:
    # The server's public URL names 127.0.0.1; a resident who typed localhost must still end up signed in.
    page = new_page(Visitor("en", DESKTOP))
    other_name = pb_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{other_name}/tuusula/sign-in?next=/tuusula/networks/jokela")

    page.get_by_role("link", name="Aino Virtanen").click()

    page.wait_for_url(f"{pb_server.url}/tuusula/networks/jokela")
    expect(page.get_by_text("Signed in (postal code 04300)")).to_be_visible()


def test_with_javascript_the_proposal_filters_update_the_results_in_place(new_page: NewPage) -> None:
    page = new_page(Visitor("en", DESKTOP))
    page.goto("/tuusula/proposals/tuusula-2027")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    network = page.get_by_label("Network")
    network.focus()  # as a keyboard user arrives at it
    network.select_option("jokela")

    expect(page.locator("#results .pb-results__count")).to_have_text("4 proposals")
    expect(page).to_have_url(re.compile(r"network=jokela"))
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert page.evaluate("() => document.activeElement.id") == "field-network"


def test_without_javascript_a_proposal_search_is_a_form_that_reloads_the_page(new_page: NewPage) -> None:
    page = new_page(Visitor("fi", PHONE, javascript=False))
    page.goto("/tuusula/proposals/tuusula-2027")

    page.get_by_label("Hae sanoilla").fill("bänkar")
    page.get_by_role("button", name="Näytä ehdotukset").click()

    page.wait_for_url(re.compile(r"q=b"))
    assert "1 ehdotus" in page.content()
    page.get_by_role("link", name="Penkkejä Rantatien varteen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penkkejä Rantatien varteen")
