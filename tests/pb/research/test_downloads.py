"""What a researcher downloads from a published round: the same bytes every time, files of one budget that join on
voter_id, a turnout table with the real counts, and Pabulib files the checker has nothing avoidable to say about
(every ballot format: knapsack, approval, cumulative, ranked)."""

from __future__ import annotations

import io

import httpx
import pandas as pd
from pabulib.checker import Checker  # type: ignore[import-untyped]

from pb.core.models import Role
from pb.research.exports import TABLES
from tests.conftest import Tokens
from tests.pb.results.conftest import VOTES, Closed, publish_all

UNAVOIDABLE = frozenset({
    "project with no votes",  # nobody chose the project: the data, not the file
    "no_max_length_used",  # no voter used every choice allowed: the data again
    "equalshares unsupported vote_type",  # the checker verifies equal shares on approval ballots only
    "all projects funded",  # the test election gives two budgets more money than all their projects cost
})
"""What the checker may report on pb's files: facts of the election, or the checker's own limits."""


async def _download(client: httpx.AsyncClient, budget_id: int, headers: dict[str, str], query: str) -> bytes:
    response = await client.get(f"/budgets/{budget_id}/export?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


async def test_every_download_of_a_published_budget_is_the_same_and_its_files_join_on_voter_id(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    await publish_all(client, closed)
    researcher, admin = await tokens.headers(Role.RESEARCHER), await tokens.headers(Role.ADMIN)
    ids: dict[str, set[int]] = {}
    for slug in ("kunta", "ranked"):
        budget_id = closed.election.budgets[slug]
        queries = ["format=pb", *(f"format={fmt}&table={t}" for fmt in ("csv", "parquet") for t in TABLES)]
        for query in queries:
            first = await _download(client, budget_id, researcher, query)
            assert first == await _download(client, budget_id, admin, query), (slug, query)
        pb_text = (await _download(client, budget_id, researcher, "format=pb")).decode()
        votes = pd.read_csv(io.StringIO(pb_text.split("\nVOTES\n")[1]), sep=";")
        csv = pd.read_csv(io.BytesIO(await _download(client, budget_id, researcher, "format=csv&table=ballots")))
        parquet = pd.read_parquet(io.BytesIO(await _download(client, budget_id, researcher,
                                                             "format=parquet&table=ballots")))
        assert len(votes) == len(VOTES[slug]) == votes["voter_id"].nunique()
        assert set(votes["voter_id"]) == set(csv["voter_id"]) == set(parquet["voter_id"])
        assert csv.astype(str).to_numpy().tolist() == parquet.astype(str).to_numpy().tolist()
        ids[slug] = set(votes["voter_id"])
    assert ids["kunta"].isdisjoint(ids["ranked"])  # a budget's ids tell nothing about another's


async def test_each_budgets_pabulib_file_passes_the_checker_and_its_turnout_table_counts_its_ballots(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    await publish_all(client, closed)
    researcher = await tokens.headers(Role.RESEARCHER)
    reported: dict[str, dict[str, set[str]]] = {}
    for slug, budget_id in closed.election.budgets.items():
        for fmt in ("csv", "parquet"):
            content = await _download(client, budget_id, researcher, f"format={fmt}&table=turnout")
            table = pd.read_csv(io.BytesIO(content)) if fmt == "csv" else pd.read_parquet(io.BytesIO(content))
            assert table.to_dict("records") == [{"district": "total", "age_band": "total",
                                                 "voters": len(VOTES.get(slug, [])), "suppressed": False}], slug
        text = (await _download(client, budget_id, researcher, "format=pb")).decode()
        [(_, file_report)] = [(k, v) for k, v in Checker().process_files([text]).items()
                              if k not in ("metadata", "summary")]
        results = file_report["results"]
        reported[slug] = {level: set(results[level]) - UNAVOIDABLE for level in ("errors", "warnings")}
    assert reported == {slug: {"errors": set(), "warnings": set()} for slug in closed.election.budgets}
