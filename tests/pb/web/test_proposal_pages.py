"""The proposals' pages on the living demo: the list with its filters, search and order (a page or, for htmx,
its results alone), and a proposal's page with its history, discussion, reviews, merges and volunteers."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from pb.core.db import create_sessionmaker
from pb.demo.proposals_2027 import IDEAS, MERGED
from pb.proposals.models import Proposal

LIST = "/tuusula/proposals/tuusula-2027"


@pytest.fixture
def database_url(demo_database_url: str) -> str:
    """These pages are read on the living demo, loaded once and copied for each test."""
    return demo_database_url


@pytest.fixture
def visitor(on_demo: httpx.AsyncClient) -> httpx.AsyncClient:
    return on_demo


async def proposal_id(engine: AsyncEngine, finnish_title: str) -> int:
    async with create_sessionmaker(engine)() as session:
        found = (await session.exec(select(Proposal))).all()
        return next(p.id for p in found if p.title.get("fi") == finnish_title and p.id is not None)


def text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def titles(response: httpx.Response) -> list[str]:
    return re.findall(r'<h2 class="pb-card__title"><a href="[^"]+">(?:<span lang="\w+">)?([^<]+)', text(response))


async def test_the_header_leads_to_the_current_round_s_proposals(visitor: httpx.AsyncClient) -> None:
    front = await visitor.get("/tuusula")
    assert 'href="/tuusula/proposals"' in front.text

    moved = await visitor.get("/tuusula/proposals")

    assert moved.status_code == 302 and moved.headers["location"] == LIST


async def test_the_list_shows_the_round_s_proposals_with_their_stage_and_support(
    visitor: httpx.AsyncClient,
) -> None:
    page = await visitor.get(LIST + "?lang=en")

    assert page.status_code == 200
    assert "<h1 class=\"pb-title\">Proposals</h1>" in page.text
    assert f"{len(IDEAS) + len(MERGED)} proposals" in page.text
    assert len(titles(page)) == 20 and 'rel="next"' in page.text
    assert "On the ballot" in page.text and "9 supports" in text(page)
    assert page.headers["cache-control"] == "no-cache"


async def test_filters_search_and_order_narrow_the_list(visitor: httpx.AsyncClient) -> None:
    jokela = await visitor.get(LIST, params={"network": "jokela", "lang": "en"})
    assert "4 proposals" in jokela.text
    assert "Art for Jokela station's waiting room" in titles(jokela)

    stopped = await visitor.get(LIST, params={"stage": "not_advanced", "lang": "en"})
    assert titles(stopped) and "Did not advance" in stopped.text and "On the ballot</span>" not in stopped.text

    swedish = await visitor.get(LIST, params={"q": "bänkar", "lang": "en"})
    assert titles(swedish) == ["Benches along Rantatie"]

    by_support = await visitor.get(LIST, params={"network": "hyryla", "sort": "supports", "lang": "en"})
    supports = [int(n) for n in re.findall(r"(\d+) supports?", text(by_support))]
    assert supports == sorted(supports, reverse=True) and supports[0] >= 9


async def test_htmx_gets_the_results_alone_and_a_search_without_words_is_explained(
    visitor: httpx.AsyncClient,
) -> None:
    fragment = await visitor.get(LIST, params={"network": "jokela"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "pb-card__title" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]

    nonsense = await visitor.get(LIST, params={"q": "!!!", "lang": "en"})
    assert nonsense.status_code == 200
    assert 'id="field-q-error"' in nonsense.text and "0 proposals" in nonsense.text


async def test_a_proposal_page_shows_its_text_history_discussion_review_and_volunteers(
    visitor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    number = await proposal_id(engine, "Kuntoiluvälineet Hyrylän keskuspuistoon")

    page = await visitor.get(f"{LIST}/{number}?lang=en")

    assert page.status_code == 200
    shown = text(page)
    assert "<h1 class=\"pb-title\">Outdoor gym in Hyrylä park</h1>" in shown
    assert "Aino Virtanen" in shown  # she chose to show her name
    assert "Version 2" in shown and "Lisäsin esteettömyyden." in shown
    assert "Hyvä idea" in shown or "Great idea" in shown or "Bra förslag" in shown or "Kannatan" in shown
    assert "Kuka huolehtii tästä talvella?" in shown and "The municipality" in shown
    assert "Feasible" in shown and "estimated cost 1\xa0400\xa0€" in shown
    assert "9 residents support this proposal." in shown
    assert "Comments and questions are open while a deliberation round is open." in shown  # voting now
    assert "Volunteers" in shown


async def test_a_merged_proposal_links_to_the_one_it_was_merged_into_and_back(
    visitor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    source = await proposal_id(engine, "Lisää istumapaikkoja järvelle")
    target = await proposal_id(engine, "Penkkejä Rantatien varteen")

    merged = await visitor.get(f"{LIST}/{source}?lang=en")
    into = await visitor.get(f"{LIST}/{target}?lang=en")

    assert f'href="{LIST}/{target}"' in merged.text and "This proposal was merged into another one" in merged.text
    assert f'href="{LIST}/{source}"' in into.text
    assert f"belongs to proposal {source}" in into.text


async def test_a_proposal_of_another_round_or_none_at_all_is_not_found(
    visitor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    number = await proposal_id(engine, "Penkkejä Rantatien varteen")
    for path in (f"/tuusula/proposals/tuusula-2026/{number}", f"{LIST}/999999", "/nowhere/proposals/tuusula-2027"):
        page = await visitor.get(path)
        assert page.status_code == 404, path
        assert "<html" in page.text
