"""The results pages over HTTP: funded projects, money, turnout, both charts with their tables, the rule, each
project's explanation, progress of funded projects, links for checking; nothing before publication."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.settings import Settings
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.results.conftest import Closed, publish_all, vote_and_close
from tests.pb.web.test_vote_pages import text

NBSP = "\xa0"
RESULTS = "/tuusula/results/tuusula-2027"


async def closed_and_published(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    tokens: Tokens, *, publish: bool = True,
) -> Closed:
    closed = await vote_and_close(client, engine, settings, clock, world, tokens)
    if publish:
        await publish_all(client, closed)
    return closed


async def test_a_budget_s_results_show_what_was_funded_why_and_with_what_support(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    world: DemoWorld, tokens: Tokens,
) -> None:
    closed = await closed_and_published(client, engine, settings, clock, world, tokens)
    outcome = (await client.get(f"/budgets/{closed.election.budgets['hyryla']}/results")).json()

    page = await browser.get(f"{RESULTS}/hyryla?lang=en")

    assert page.status_code == 200
    shown = text(page)
    assert "Results: Hyrylä development network" in shown
    assert f"Budget: 2{NBSP}500{NBSP}€" in shown
    assert f"Left over: {outcome['leftover'] // 100:,}".replace(",", NBSP) in shown
    assert "6 people voted in this budget." in shown
    assert "Method of Equal Shares: every voter gets an equal share of the budget." in shown
    funded = [p for p in outcome["projects"] if p["status"] == "funded"]
    assert f"{len(funded)} funded projects" in shown or f"{len(funded)} funded project" in shown
    assert f'src="/budgets/{closed.election.budgets["hyryla"]}/results/svg/allocation?lang=en"' in page.text
    assert f'src="/budgets/{closed.election.budgets["hyryla"]}/results/svg/votes?lang=en"' in page.text
    assert page.text.count("<table") == 2 and "<caption" in page.text
    rows = re.findall(r'<tr><th scope="row">(?:<span lang="fi">)?(Hanke [A-D])', page.text)
    assert rows[-4:] == [f"Hanke {p['code']}" for p in sorted(outcome["projects"],
                                                              key=lambda p: (-int(p["support"]), p["code"]))]
    assert f'href="/rounds/{closed.election.round_id}/manifest"' in page.text
    assert f'href="/budgets/{closed.election.budgets["hyryla"]}/board"' in page.text
    assert "No progress has been reported yet." in shown
    assert page.headers["cache-control"] == "no-cache"


async def test_results_in_swedish_and_finnish_and_the_round_s_list(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    world: DemoWorld, tokens: Tokens,
) -> None:
    await closed_and_published(client, engine, settings, clock, world, tokens)
    swedish = await browser.get(f"{RESULTS}/kunta?lang=sv")
    finnish = await browser.get(RESULTS + "?lang=fi")

    assert swedish.status_code == 200 and '<html lang="sv">' in swedish.text
    assert "Poäng per projekt" in swedish.text
    assert finnish.status_code == 200
    assert f'href="{RESULTS}/hyryla"' in finnish.text and f'href="{RESULTS}/kunta"' in finnish.text


async def test_funded_projects_show_their_latest_progress(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    world: DemoWorld, tokens: Tokens,
) -> None:
    closed = await closed_and_published(client, engine, settings, clock, world, tokens)
    budget_id = closed.election.budgets["ranked"]
    selected = (await client.get(f"/budgets/{budget_id}/results")).json()["selected"]
    projects = (await client.get(f"/budgets/{budget_id}/projects")).json()
    project_id = next(p["id"] for p in projects if p["code"] == selected[0])
    reported = await client.post(f"/projects/{project_id}/progress", headers=closed.official, json={
        "status": "in_progress", "percent": 40, "note": {"fi": "Työt alkoivat", "en": "Work has started"}})
    assert reported.status_code == 201, reported.text

    page = await browser.get(f"{RESULTS}/ranked?lang=en")

    assert "Progress: In progress, 40 % done." in text(page) and "Work has started" in page.text


async def test_before_publication_a_budget_s_results_page_says_so(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    world: DemoWorld, tokens: Tokens,
) -> None:
    await closed_and_published(client, engine, settings, clock, world, tokens, publish=False)

    page = await browser.get(f"{RESULTS}/hyryla?lang=en")
    listing = await browser.get(RESULTS + "?lang=en")

    assert page.status_code == 404
    assert "The results of this budget have not been published yet." in page.text
    assert "Hanke A" not in page.text
    assert f'href="{RESULTS}/hyryla"' not in listing.text
    assert (await browser.get("/tuusula/results/tuusula-1999/hyryla")).status_code == 404


async def test_each_project_is_explained_in_the_page_s_language(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock,
    world: DemoWorld, tokens: Tokens,
) -> None:
    closed = await closed_and_published(client, engine, settings, clock, world, tokens)
    budget_id = closed.election.budgets["hyryla"]
    api = {lang: (await client.get(f"/budgets/{budget_id}/results?lang={lang}")).json()["projects"]
           for lang in ("fi", "sv")}

    for lang in ("fi", "sv"):
        shown = text(await browser.get(f"{RESULTS}/hyryla?lang={lang}"))
        for project in api[lang]:
            assert project["explanation"] and project["explanation"] in shown
            assert all(sentence in shown for sentence in project["how_close"])
    assert api["fi"][0]["explanation"] != api["sv"][0]["explanation"]
