"""The living demo's earlier round: Tuusula 2026, voted a year ago and published, so that its results pages, the
signed manifest, the boards, receipt checks and research exports all show the same real data."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pb.core.models import BallotFormat, Phase
from tests.pb.results.test_verify import run_verify

ROUND = "tuusula-2026"
RESULTS = f"/tuusula/results/{ROUND}"


@pytest.fixture
def database_url(demo_database_url: str) -> str:
    return demo_database_url


@pytest.fixture
def visitor(on_demo: httpx.AsyncClient) -> httpx.AsyncClient:
    return on_demo


async def _round(visitor: httpx.AsyncClient) -> dict[str, Any]:
    rounds = (await visitor.get("/rounds")).json()
    return next(r for r in rounds if r["slug"] == ROUND)


async def _downloads(visitor: httpx.AsyncClient, round_id: int) -> tuple[Any, list[Any], Any]:
    """What an independent verifier downloads: the manifest, every budget's board and the keys."""
    manifest = await visitor.get(f"/rounds/{round_id}/manifest")
    assert manifest.status_code == 200, manifest.text
    document = manifest.json()
    boards = [(await visitor.get(f"/budgets/{b['budget_id']}/board")).json() for b in document["manifest"]["budgets"]]
    keys = (await visitor.get("/.well-known/pb-keys.json")).json()
    return document, boards, keys


def _funded_titles(page: str) -> list[str]:
    """The project titles of the 'How the budget was spent' table, in its order (the order they were funded)."""
    table = page.split('<caption class="hds-table__caption">', 2)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><td>\d+</td><th scope="row">(?:<span lang="\w+">)?([^<]+)', table)
    return [html.unescape(title) for title in rows]


async def test_the_2026_round_is_published_and_now_being_implemented(visitor: httpx.AsyncClient) -> None:
    found = await _round(visitor)
    budgets = (await visitor.get(f"/rounds/{found['id']}/budgets")).json()

    assert found["phase"] == Phase.IMPLEMENTATION.value
    assert {BallotFormat(b["ballot_format"]) for b in budgets} == set(BallotFormat)


async def test_the_manifest_verifies_against_the_boards_as_pb_verify_checks_it(
    visitor: httpx.AsyncClient, tmp_path: Path
) -> None:
    found = await _round(visitor)
    document, boards, keys = await _downloads(visitor, found["id"])

    code, output = run_verify(tmp_path, document, boards, keys)

    assert code == 0, output
    assert "manifest verified" in output
    assert document["manifest"]["round"]["slug"] == ROUND
    assert all(len(board["ballots"]) >= 10 for board in boards)  # none small enough to reveal a vote (N5)


async def test_every_results_page_shows_the_manifest_s_outcome_and_ballot_count(visitor: httpx.AsyncClient) -> None:
    found = await _round(visitor)
    document, boards, _ = await _downloads(visitor, found["id"])

    for entry, board in zip(document["manifest"]["budgets"], boards, strict=True):
        page = await visitor.get(f"{RESULTS}/{entry['slug']}?lang=en")
        assert page.status_code == 200, entry["slug"]
        projects = (await visitor.get(f"/budgets/{entry['budget_id']}/projects")).json()
        titles = {p["code"]: p["title"]["en"] for p in projects}
        assert _funded_titles(page.text) == [titles[code] for code in entry["outcome"]["selected"]], entry["slug"]
        assert f"{len(board['ballots'])} people voted in this budget." in page.text
        assert entry["ballot_count"] == len(board["ballots"])
        assert f'href="/budgets/{entry["budget_id"]}/board"' in page.text
        assert "Progress: Done, 100 % done. Finished and in use." in page.text  # the first funded project


async def test_a_receipt_from_the_board_checks_out_with_its_selections(visitor: httpx.AsyncClient) -> None:
    found = await _round(visitor)
    _, boards, _ = await _downloads(visitor, found["id"])
    ranked = next(b for b in boards if any(isinstance(e["selections"], list) and len(e["selections"]) > 1
                                           for e in b["ballots"]))
    entry = ranked["ballots"][len(ranked["ballots"]) // 2]

    looked_up = await visitor.get(f"/board/receipts/{entry['receipt']}")

    assert looked_up.status_code == 200, looked_up.text
    assert looked_up.json()["ballot"]["selections"] == entry["selections"]
    assert looked_up.json()["ballot"]["budget_id"] == ranked["budget_id"]


async def test_anyone_downloads_the_research_data_of_every_budget(visitor: httpx.AsyncClient) -> None:
    found = await _round(visitor)
    document, _, _ = await _downloads(visitor, found["id"])

    for entry in document["manifest"]["budgets"]:
        export = await visitor.get(f"/budgets/{entry['budget_id']}/export?format=pb")
        assert export.status_code == 200, export.text
        assert f"num_votes;{entry['ballot_count']}" in export.text, entry["slug"]


async def test_the_front_page_links_to_the_results_of_the_published_round_only(visitor: httpx.AsyncClient) -> None:
    front = await visitor.get("/tuusula?lang=sv")

    assert front.status_code == 200
    section = front.text.split('<h2 id="results-title">', 1)[1].split("</section>", 1)[0]
    assert section.startswith("Publicerade resultat</h2>")
    assert re.findall(r'href="([^"]+)"', section) == [RESULTS]
    assert "Deltagande budgetering 2026" in section
