"""Research exports: who may download; CSV and Parquet tables (public exports: test_policy.py; Pabulib files:
test_downloads.py, test_ranked_retally.py and tests/pb/results/test_pabutools.py)."""

from __future__ import annotations

import io

import httpx
import pandas as pd

from pb.core.models import Role
from tests.conftest import Tokens
from tests.pb.results.conftest import Closed, publish_all


async def test_researchers_export_only_after_publication_and_residents_never(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    researcher = await tokens.headers(Role.RESEARCHER)
    resident = await tokens.headers(Role.RESIDENT)
    before = await client.get(f"/budgets/{budget_id}/export", headers=researcher)
    assert before.status_code == 409 and before.json()["code"] == "results_not_published"
    assert (await client.get(f"/budgets/{budget_id}/export", headers=resident)).status_code == 409
    await publish_all(client, closed)
    assert (await client.get(f"/budgets/{budget_id}/export", headers=resident)).status_code == 403
    assert (await client.get(f"/budgets/{budget_id}/export")).status_code == 403
    assert (await client.get(f"/budgets/{budget_id}/export", headers=researcher)).status_code == 200


async def test_csv_and_parquet_tables_share_the_anonymised_data(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    await publish_all(client, closed)
    headers = await tokens.headers(Role.RESEARCHER)
    budget_id = closed.election.budgets["kunta"]
    csv = await client.get(f"/budgets/{budget_id}/export?format=csv&table=ballots", headers=headers)
    parquet = await client.get(f"/budgets/{budget_id}/export?format=parquet&table=ballots", headers=headers)
    assert csv.status_code == parquet.status_code == 200
    from_csv = pd.read_csv(io.StringIO(csv.text))
    from_parquet = pd.read_parquet(io.BytesIO(parquet.content))
    assert list(from_csv.columns) == list(from_parquet.columns) == ["voter_id", "project_id", "points"]
    assert sorted(from_csv["points"]) == sorted(from_parquet["points"]) == [1, 2, 3, 4, 5, 5, 5]
    assert set(from_csv["voter_id"]) == set(from_parquet["voter_id"])  # one budget's files join on voter_id
    for table in ("projects", "results", "turnout"):
        got = await client.get(f"/budgets/{budget_id}/export?format=csv&table={table}", headers=headers)
        assert got.status_code == 200, (table, got.text)
