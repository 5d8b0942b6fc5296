"""Residents take part in deliberation in Chromium: comment, ask, support and offer to help on a proposal, with
JavaScript (support in place, without reloading the page) and without it (every form posts and the page comes
back).

The demo's rounds are past deliberation, so this module's own server gets a round of its own in deliberation,
made through the officials' API as a municipality would: Tuusula 2028, with the theme network's budget and a
deliberation round open now; the network's coordinator proposes in the proposals phase, then an official moves
the round on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.checks import check_shown
from tests.web.conftest import DESKTOP, PHONE, NewPage, Server, Visitor, api_headers, serve_demo

ROUND = "tuusula-2028"
NETWORK = "luonto-ja-liikunta"
"""A theme network: anyone in Tuusula takes part, whatever their area."""
PROPOSALS = f"/tuusula/proposals/{ROUND}"


@dataclass(frozen=True)
class Deliberation:
    server: Server
    proposal_urls: dict[str, str]
    """Each proposal's page, by its Finnish title."""


TITLES = ("Kuntoportaat Rantamoon", "Uimalaituri Rantamoon")
"""One proposal for the journey with JavaScript, one for the journey without it."""


def _at(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


def _open_deliberation(server: Server) -> dict[str, str]:
    """Tuusula 2028 in deliberation with the theme network's budget and two proposals; their pages by title."""
    official = api_headers(server, "--role", "official", "--subject", "osallisuus@tuusula.example",
                           "--municipality", "tuusula")
    with httpx.Client(base_url=server.url, headers=official, timeout=30) as api:
        municipality = next(m for m in _ok(api.get("/municipalities")) if m["slug"] == "tuusula")
        network = next(n for n in _ok(api.get(f"/municipalities/{municipality['id']}/networks"))
                       if n["slug"] == NETWORK)
        phases = [("proposals", -20, -1), ("deliberation", -1, 20), ("voting", 25, 40), ("tallying", 40, 42),
                  ("results", 42, 90), ("implementation", 90, 450), ("closed", 450, 800)]
        created = _ok(api.post("/rounds", json={
            "municipality_id": municipality["id"], "slug": ROUND, "year": 2028,
            "name": {"fi": "Osallistuva budjetointi 2028", "sv": "Deltagande budgetering 2028",
                     "en": "Participatory budgeting 2028"},
            "schedule": {"phases": [{"phase": p, "starts_at": _at(a), "ends_at": _at(b)} for p, a, b in phases]}}))
        budget = _ok(api.post(f"/rounds/{created['id']}/budgets", json={
            "slug": NETWORK, "network_id": network["id"], "amount": 250_000, "max_selections": 3}))
        _ok(api.post(f"/rounds/{created['id']}/deliberation-rounds", json={
            "name": {"fi": "Kommentointi ja kannatus", "sv": "Kommentarer och stöd", "en": "Comments and support"},
            "starts_at": _at(-1), "ends_at": _at(20), "is_last": True,
            "rule": {"id": "min-support", "min_supports": 0}}))
        _ok(api.post(f"/rounds/{created['id']}/transitions", json={"to": "proposals"}))
        coordinator = api_headers(server, "--role", "coordinator", "--subject", "verkostot@tuusula.example",
                                  "--municipality", "tuusula", "--network", str(network["id"]))
        ids = {title: _ok(api.post("/proposals", headers=coordinator, json={
            "budget_id": budget["id"], "title": {"fi": title}, "theme": "liikunta", "own_cost": 90_000,
            "description": {"fi": "Verkoston ehdotus: rakennetaan talkoilla ja kunnan tuella."}}))["id"]
            for title in TITLES}
        _ok(api.post(f"/rounds/{created['id']}/transitions", json={"to": "deliberation"}))
    return {title: f"{PROPOSALS}/{proposal_id}" for title, proposal_id in ids.items()}


@pytest.fixture(scope="module")
def pb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("pb-deliberation")) as server:
        yield server


@pytest.fixture(scope="module")
def deliberation(pb_server: Server) -> Deliberation:
    return Deliberation(pb_server, _open_deliberation(pb_server))


def sign_in(page: Page, person: str, path: str) -> None:
    page.goto(f"/tuusula/sign-in?next={path}")
    page.get_by_role("link", name=person).click()
    page.wait_for_url(f"**{path}")


def tick(page: Page, label: str) -> None:
    """Choose the radio button or checkbox with this label: HDS draws it on the label, which people click."""
    page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_with_javascript_a_resident_comments_supports_in_place_and_offers_help(
    new_page: NewPage, deliberation: Deliberation, screenshots: Path
) -> None:
    visitor = Visitor("en", PHONE)
    page = new_page(visitor)
    proposal = deliberation.proposal_urls[TITLES[0]]
    page.goto(PROPOSALS)
    page.get_by_role("link", name=TITLES[0]).click()
    page.wait_for_url(f"**{proposal}")
    page.get_by_role("link", name="Sign in to support this proposal").click()
    page.get_by_role("link", name="Aino Virtanen").click()
    page.wait_for_url(f"**{proposal}")

    # A comment: the page comes back at the new comment.
    page.get_by_label("Your message").fill("Steps like these would get me out every morning.")
    page.locator("#comment-form").get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    expect(page.locator(".pb-comment__body").filter(has_text="get me out every morning")).to_be_visible()

    # Support: htmx swaps the support box in place, on the same page, and says so.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_role("button", name="Support this proposal").click()
    support = page.locator("#support")
    expect(support).to_contain_text("You support this proposal.")
    expect(support).to_contain_text("1 resident supports this proposal.")
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert check_shown(page, visitor, "proposal-supported", screenshots) == []

    # Help: the offer form, then back on the proposal with the offer counted and the agreed name shown.
    page.get_by_role("link", name="Offer to help").click()
    page.wait_for_url(f"**{proposal}/volunteer")
    page.get_by_label("Your name, or your organisation's name").fill("Aino Virtanen")
    tick(page, "Show this name on the proposal's page")
    tick(page, "Time")
    page.get_by_label("Message to the proposers").fill("I can help carry the timber on a Saturday.")
    assert check_shown(page, visitor, "proposal-volunteer-form", screenshots) == []
    page.get_by_role("button", name="Send the offer").click()
    page.wait_for_url(f"**{proposal}#volunteers-title")
    expect(page.get_by_text("1 person or organisation has offered to help carry this proposal out.")).to_be_visible()
    expect(page.get_by_text("Volunteers who agreed to show their name: Aino Virtanen")).to_be_visible()


def test_without_javascript_a_resident_asks_supports_and_offers_help_with_forms_that_post(
    new_page: NewPage, deliberation: Deliberation, screenshots: Path
) -> None:
    visitor = Visitor("fi", DESKTOP, javascript=False)
    page = new_page(visitor)
    proposal = deliberation.proposal_urls[TITLES[1]]
    sign_in(page, "Matti Korhonen", proposal)  # Riihikallio: a theme network's proposal is everyone's

    tick(page, "Kysymys kunnalle, joka vastaa siihen")
    page.get_by_label("Viestisi").fill("Kuka vastaa laiturin kunnosta talvella?")
    page.locator("#comment-form").get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    expect(page.locator(".pb-comment__body").filter(has_text="laiturin kunnosta")).to_be_visible()

    page.get_by_role("button", name="Kannata ehdotusta").click()  # the form posts and the page comes back
    page.wait_for_load_state()
    expect(page.locator("#support")).to_contain_text("Kannatat tätä ehdotusta.")
    expect(page.locator("#support")).to_contain_text("1 asukas kannattaa tätä ehdotusta.")
    assert check_shown(page, visitor, "proposal-supported", screenshots) == []

    page.get_by_role("link", name="Tarjoudu auttamaan").click()
    page.wait_for_url(f"**{proposal}/volunteer")
    page.get_by_role("button", name="Lähetä tarjous").click()  # nothing filled in: the errors come first
    summary = page.locator(".pb-error-summary")
    expect(summary).to_be_visible()
    assert check_shown(page, visitor, "proposal-volunteer-errors", screenshots) == []
    page.get_by_label("Nimesi tai yhteisösi nimi").fill("Matti Korhonen")
    tick(page, "Aikaa")
    page.get_by_label("Viesti ehdottajille").fill("Voin auttaa laiturin kokoamisessa.")
    page.get_by_role("button", name="Lähetä tarjous").click()
    page.wait_for_url(f"**{proposal}#volunteers-title")
    expect(page.get_by_text("1 henkilö tai yhteisö on tarjoutunut auttamaan")).to_be_visible()
