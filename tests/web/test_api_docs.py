"""The API explorer at /schema/swagger: Swagger UI from pb's vendored files runs under pb's page policy."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import ConsoleMessage

from tests.web.conftest import DESKTOP, NewPage, Server, Visitor, screenshot

EXPLORER = "/schema/swagger"


def test_the_explorer_lists_every_operation_with_nothing_blocked_or_fetched_elsewhere(
    new_page: NewPage, pb_server: Server, screenshots: Path
) -> None:
    page = new_page(Visitor(locale="en", width=DESKTOP))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    errors: list[str] = []
    page.on("console", lambda message: _collect(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda answer: errors.append(f"{answer.status} {answer.url}") if answer.status >= 400 else None)
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(pb_server.url) else elsewhere.append(request.url))

    response = page.goto(EXPLORER)
    assert response is not None and response.ok
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    page.locator(".opblock").first.wait_for()
    document = page.request.get("/schema/openapi.json").json()
    operations = sum(
        method in item for item in document["paths"].values() for method in ("get", "put", "post", "delete", "patch")
    )
    assert page.locator(".opblock").count() == operations
    assert page.get_by_role("button", name="Authorize").is_visible()
    page.get_by_text("Create a budget round").first.wait_for()
    screenshot(page, screenshots, "api-explorer")

    assert page.evaluate("window.__violations") == []
    assert errors == []
    assert elsewhere == []


def _collect(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(message.text)
