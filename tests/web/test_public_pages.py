"""Every public page, as residents of each language meet it on a small phone, a phone and a desktop.

To check another page, add a line to PAGES.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.checks import Visit, check_page
from tests.web.conftest import DESKTOP, PHONE, SMALL_PHONE, NewPage, Visitor

PAGES = [
    Visit("front", "/tuusula"),
    Visit("network", "/tuusula/networks/hyryla"),
    Visit("network-theme", "/tuusula/networks/luonto-ja-liikunta"),
    Visit("accessibility", "/tuusula/accessibility"),
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
