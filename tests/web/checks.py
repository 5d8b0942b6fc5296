"""What every page visit checks: structure (tests/web/structure.py), axe-core, reflow, and a screenshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from tests.web import axe, structure
from tests.web.conftest import Visitor, screenshot


@dataclass(frozen=True)
class Visit:
    """A page to check: a name for its screenshots, its path, the status it answers with."""

    name: str
    path: str
    status: int = 200


def check_page(page: Page, visitor: Visitor, visit: Visit, folder: Path) -> list[str]:
    """Open ``visit`` as ``visitor`` and return everything wrong with it (empty when it passes)."""
    response = page.goto(visit.path)
    assert response is not None
    found = [] if response.status == visit.status else [f"status {response.status}, expected {visit.status}"]
    return found + check_shown(page, visitor, visit.name, folder)


def check_shown(page: Page, visitor: Visitor, name: str, folder: Path) -> list[str]:
    """Check the page the browser shows now (after a form was sent, say), as :func:`check_page` does."""
    found = structure.problems(page.content())
    html_lang = page.locator("html").get_attribute("lang") if visitor.javascript else _lang(page.content())
    if html_lang != visitor.locale:
        found.append(f"<html lang={html_lang!r}>, expected {visitor.locale!r}")
    if visitor.javascript:
        found += [f"axe {v['impact']} {v['id']}: {v['help']} at {v['targets']}" for v in axe.violations(page)]
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found.append(f"the page scrolls sideways by {overflow} px at {visitor.width} px (WCAG 1.4.10 reflow)")
    screenshot(page, folder, f"{name}-{visitor.label}")
    return found


def _lang(html: str) -> str | None:
    start = html.find("<html lang=\"")
    return html[start + 12 : html.find('"', start + 12)] if start >= 0 else None
