"""Research exports: who may download, Pabulib files that pabutools and the official checker accept, tables."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pandas as pd
import pytest

from pb.models import Role
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
    policy = await client.put(f"/rounds/{closed.election.round_id}/results-policy", headers=closed.official,
                              json={"public_exports": True})
    assert policy.status_code == 200, policy.text
    assert (await client.get(f"/budgets/{budget_id}/export")).status_code == 200


@pytest.mark.parametrize("slug", ["hyryla", "luonto-ja-liikunta"])
async def test_pabulib_export_passes_the_checker_and_pabutools_agrees(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens, tmp_path: Path, slug: str
) -> None:
    from pabulib.checker import Checker  # type: ignore[import-untyped]
    from pabutools import election as pbe  # noqa: TID251 (the reference, in tests)
    from pabutools import rules as pbr  # noqa: TID251

    await publish_all(client, closed)
    budget_id = closed.election.budgets[slug]
    response = await client.get(f"/budgets/{budget_id}/export?format=pb",
                                headers=await tokens.headers(Role.RESEARCHER))
    assert response.status_code == 200, response.text
    report = Checker().process_files([response.text])
    errors = {k: v["results"]["errors"] for k, v in report.items() if k not in ("metadata", "summary")}
    assert report["metadata"]["invalid"] == 0, errors
    assert all(not e for e in errors.values()), errors
    path = tmp_path / f"{slug}.pb"
    path.write_text(response.text, encoding="utf-8")
    instance, profile = pbe.parse_pabulib(str(path))
    outcome = pbr.method_of_equal_shares(instance, profile, sat_class=pbe.Cost_Sat, voter_budget_increment=1)
    published = (await client.get(f"/budgets/{budget_id}/results")).json()
    assert sorted(p.name for p in outcome) == sorted(published["selected"])


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
    assert set(from_csv["voter_id"]).isdisjoint(set(from_parquet["voter_id"]))  # fresh ids per export
    for table in ("projects", "results", "turnout"):
        got = await client.get(f"/budgets/{budget_id}/export?format=csv&table={table}", headers=headers)
        assert got.status_code == 200, (table, got.text)
