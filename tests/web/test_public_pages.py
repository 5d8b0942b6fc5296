"""Every public page, as residents of each language meet it on a small phone, a phone and a desktop.

To check another page, add a line to PAGES.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.web.checks import Visit, check_page, check_shown
from tests.web.conftest import DESKTOP, PHONE, SMALL_PHONE, NewPage, Visitor

PAGES = [
    Visit("front", "/tuusula"),
    Visit("network", "/tuusula/networks/hyryla"),
    Visit("network-theme", "/tuusula/networks/luonto-ja-liikunta"),
    Visit("accessibility", "/tuusula/accessibility"),
    Visit("proposals", "/tuusula/proposals/tuusula-2027"),
    Visit("proposals-search", "/tuusula/proposals/tuusula-2027?q=puisto&network=hyryla&sort=supports"),
    Visit("proposal", "/tuusula/proposals/tuusula-2027/1"),  # the demo's first: history, comments, review
    Visit("not-found", "/tuusula/networks/nowhere", status=404),
]
VISITORS = [
    *(Visitor(locale, width) for locale in ("fi", "sv", "en") for width in (SMALL_PHONE, PHONE, DESKTOP)),
    Visitor("fi", PHONE, javascript=False),
]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v.label)
@pytest.mark.parametrize("visit", PAGES, ids=lambda v: v.name)
def test_page_passes_every_check(new_page: NewPage, screenshots: Path, visit: Visit, visitor: Visitor) -> None:
    assert check_page(new_page(visitor), visitor, visit, screenshots) == []


SIGNED_IN = [*(Visitor(locale, width) for locale in ("fi", "sv", "en") for width in (PHONE, DESKTOP)),
             Visitor("fi", PHONE, javascript=False)]


def _signed_in(page: Page, path: str) -> None:
    """Sign in as the development IdP's Aino (Hyrylä) and come back to ``path``."""
    page.goto(f"/tuusula/sign-in?next={path}")
    page.get_by_role("link", name="Aino Virtanen").click()
    page.wait_for_url(f"**{path}")


@pytest.mark.parametrize("visitor", SIGNED_IN, ids=lambda v: v.label)
def test_the_proposal_form_with_errors_and_my_page_pass_every_check(
    new_page: NewPage, screenshots: Path, visitor: Visitor
) -> None:
    page = new_page(visitor)
    _signed_in(page, "/tuusula/proposals/tuusula-2027/new")

    page.locator("form.pb-form button[type=submit]").click()

    page.wait_for_load_state()
    assert page.locator(".pb-error-summary a").count() >= 3
    assert check_shown(page, visitor, "proposal-form-errors", screenshots) == []
    assert check_page(page, visitor, Visit("my-page-proposals", "/tuusula/my"), screenshots) == []
