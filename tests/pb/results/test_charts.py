"""The results charts as pictures: a title, a legend, euros as each language writes them, readable without colour."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import httpx

from tests.pb.results.conftest import Closed, publish_all

SVG = "{http://www.w3.org/2000/svg}"


async def _svg(client: httpx.AsyncClient, budget_id: int, chart: str, lang: str) -> ElementTree.Element:
    response = await client.get(f"/budgets/{budget_id}/results/svg/{chart}", params={"lang": lang})
    assert response.status_code == 200, response.text
    return ElementTree.fromstring(response.text)  # noqa: S314 (our own answer, in a test)


def _texts(svg: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


async def test_the_allocation_chart_numbers_each_funded_project_and_labels_the_leftover(
    client: httpx.AsyncClient, closed: Closed,
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    await publish_all(client, closed)
    result = (await client.get(f"/budgets/{budget_id}/results")).json()
    funded = result["selected"]

    svg = await _svg(client, budget_id, "allocation", "en")

    texts = _texts(svg)
    assert svg.findtext(f"{SVG}title", "").startswith("Hyrylä")
    assert texts[0] == svg.findtext(f"{SVG}title")  # the title is also visible, not only read out
    assert any(t.startswith("Left over: ") and t.endswith("€") for t in texts)
    segments = [r for r in svg.iter(f"{SVG}rect") if r.get("y") == "30" and r.get("fill", "").startswith("#")]
    assert len(segments) == len(funded)
    assert len({r.get("fill") for r in segments}) == len(funded)  # distinct colours
    numbers = [str(n) for n in range(1, len(funded) + 1)]
    assert [t for t in texts if t in numbers][: len(numbers)] == numbers  # and numbers, for those without colour
    description = svg.findtext(f"{SVG}desc", "")
    assert description.count("€") == len(funded) + 1


async def test_chart_euros_are_written_as_each_language_writes_them(client: httpx.AsyncClient, closed: Closed) -> None:
    budget_id = closed.election.budgets["hyryla"]
    await publish_all(client, closed)

    finnish = " ".join(_texts(await _svg(client, budget_id, "allocation", "fi")))
    english = " ".join(_texts(await _svg(client, budget_id, "allocation", "en")))

    assert "EUR" not in finnish and "EUR" not in english
    assert re.search(r"\d \d{3}\xa0€", finnish) or re.search(r"\d+\xa0€", finnish)
    assert "Jäljelle jäi" in finnish
    assert "Left over" in english


async def test_the_votes_chart_says_which_projects_were_funded_in_words_and_marks(
    client: httpx.AsyncClient, closed: Closed,
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    await publish_all(client, closed)
    funded = set((await client.get(f"/budgets/{budget_id}/results")).json()["selected"])

    svg = await _svg(client, budget_id, "votes", "en")

    assert svg.findtext(f"{SVG}title", "").endswith(": votes per project")
    texts = _texts(svg)
    assert "✓ funded" in texts and "not funded" in texts  # the legend
    marked = [t for t in texts if t.startswith("✓ ") and t != "✓ funded"]
    assert len(marked) == len(funded)
    assert any(re.fullmatch(r"\d+ votes?", t) for t in texts)
    assert svg.findtext(f"{SVG}desc", "").count("(funded)") == len(funded)
