"""The public pages over HTTP: content, language, headers, fragments, errors, and the API beside them."""

from __future__ import annotations

import re

import httpx

from tests.factories import DemoWorld

NBSP = "\xa0"


def h1(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, found
    return str(found[0]).strip()


async def test_the_front_page_shows_the_round_its_timeline_and_the_networks_budgets(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/tuusula")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fi">' in page.text
    assert h1(page.text) == "Osallistuva budjetointi 2027"
    assert "Voit lähettää ehdotuksia 1. helmikuuta 2027 alkaen." in page.text
    assert f"Budjetti tällä kierroksella: 2{NBSP}500{NBSP}€" in page.text
    assert page.text.index("Hyrylän kehittämisverkosto") < page.text.index("Elinkeinoverkosto</a>")


async def test_a_single_municipality_deployment_sends_the_root_to_its_front_page(browser: httpx.AsyncClient,
                                                                                  world: DemoWorld) -> None:
    # The world has two municipalities: the root is a chooser.
    chooser = await browser.get("/", headers={"Accept-Language": "sv"})
    assert chooser.status_code == 200
    assert 'href="/tuusula"' in chooser.text and 'href="/jarvenpaa"' in chooser.text
    assert h1(chooser.text) == "Deltagande budgetering"


async def test_the_language_follows_the_browser_then_a_choice_that_is_remembered(browser: httpx.AsyncClient) -> None:
    swedish = await browser.get("/tuusula", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.8"})
    assert '<html lang="sv">' in swedish.text and swedish.headers["content-language"] == "sv"
    assert "Hyrylä utvecklingsnätverk" in swedish.text

    chosen = await browser.get("/tuusula?lang=en", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in chosen.text
    assert "__Host-pb_lang=en" in chosen.headers["set-cookie"]

    later = await browser.get("/tuusula/networks/jokela", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in later.text
    assert 'href="/tuusula/networks/jokela?lang=sv" lang="sv" hreflang="sv"' in later.text


async def test_content_without_a_translation_falls_back_to_finnish_marked_with_its_language(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/jarvenpaa?lang=en")  # Järvenpää's name has fi and sv only
    assert '<span lang="fi">Järvenpää</span>' in page.text


async def test_pages_allow_no_inline_script_or_style_and_public_pages_are_revalidated(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/tuusula")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert page.headers["cache-control"] == "no-cache"
    assert "HX-Request" in page.headers["vary"]
    assert "<script>" not in page.text and "style=" not in page.text
    form_cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("__Host-pb_form="))
    assert "HttpOnly" in form_cookie and "Secure" in form_cookie and "Path=/" in form_cookie
    assert "samesite=lax" in form_cookie.lower()


async def test_htmx_gets_the_network_list_alone_and_a_boosted_request_the_whole_page(
    browser: httpx.AsyncClient,
) -> None:
    fragment = await browser.get("/tuusula?kind=theme", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<p class="pb-networks__count">')
    assert "Luonto ja liikunta" in fragment.text and "Hyrylän" not in fragment.text
    assert "1 verkosto" in fragment.text

    boosted = await browser.get("/tuusula?kind=theme", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.text.startswith("<!doctype html>")


async def test_the_network_page_shows_area_core_team_coordinator_and_budget(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/tuusula/networks/hyryla?lang=sv")

    assert h1(page.text) == "Hyrylä utvecklingsnätverk"
    assert "04300, 04310, 04330, 04340" in page.text
    assert "Mikko Heikkilä" in page.text
    assert 'href="mailto:verkostot@tuusula.example"' in page.text
    assert f"2{NBSP}500{NBSP}€" in page.text


async def test_unknown_pages_are_html_404s_in_the_visitor_s_language(browser: httpx.AsyncClient) -> None:
    for path in ("/nowhere", "/tuusula/networks/nowhere", "/jarvenpaa/networks/hyryla"):
        page = await browser.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 404, path
        assert h1(page.text) == "Page not found"


async def test_the_accessibility_statement_names_the_provider_contact_and_authority(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/tuusula/accessibility")
    assert h1(page.text) == "Saavutettavuusseloste"
    assert "digitaalisten palvelujen tarjoamisesta annetun lain (306/2019)" in page.text
    assert "mailto:saavutettavuus@example.invalid" in page.text
    assert "Traficom" in page.text and "https://www.saavutettavuusvaatimukset.fi" in page.text
    assert "1. joulukuuta 2026" in page.text
    everyone = await browser.get("/accessibility")
    assert everyone.status_code == 200 and "Järvenpää" in everyone.text


async def test_the_theme_stylesheet_carries_the_municipality_colour(browser: httpx.AsyncClient) -> None:
    css = await browser.get("/tuusula/theme.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "--color-bus: #0000bf" in css.text
    assert "immutable" in css.headers["cache-control"]


async def test_the_api_keeps_its_paths_and_its_policy_beside_the_pages(
    browser: httpx.AsyncClient, world: DemoWorld
) -> None:
    network = await browser.get(f"/networks/{world.network_ids['hyryla']}")
    assert network.headers["content-type"].startswith("application/json")
    assert network.json()["core_team"] == ["Mikko Heikkilä", "Sari Koskinen", "Hyrylän Nuorisoseura ry"]
    assert network.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert (await browser.get("/health")).status_code == 200
    missing = await browser.get("/networks/999999")
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_static_files_have_versioned_urls_and_are_cached_for_good(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/tuusula")
    url = re.search(r'href="(/static/pb\.css\?v=[0-9a-f]+)"', page.text)
    assert url is not None
    css = await browser.get(url.group(1))
    assert css.status_code == 200 and "immutable" in css.headers["cache-control"]
    assert (await browser.get("/static/../pb/settings.py")).status_code == 404


async def test_static_files_are_sent_compressed_and_pages_never_are(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/tuusula", headers={"Accept-Encoding": "gzip"})
    stylesheet = re.search(r'href="(/static/vendor/hds\.min\.css\?v=\w+)"', page.text)
    assert stylesheet is not None
    css = await browser.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})

    assert css.status_code == 200 and css.headers["content-encoding"] == "gzip"
    assert int(css.headers["content-length"]) < len(css.content) / 3  # httpx has decoded it
    # A page carries the form token beside text visitors choose: compressing it would leak the token (BREACH).
    assert "content-encoding" not in page.headers
    api = await browser.get("/rounds", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in api.headers
