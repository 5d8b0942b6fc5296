"""`pb export` writes the published round's anonymised research files in each format."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from ballots.pabulib import parse_pabulib
from pb.cli.main import main
from pb.core.models import Role
from tests.conftest import Tokens
from tests.pb.results.conftest import VOTES, Closed, publish_all


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_DATABASE_URL", database_url)
    monkeypatch.setenv("PB_ENV", "test")


async def _export(round_id: int, fmt: str, out: Path) -> tuple[int, str]:
    # The command runs its own event loop, so it runs beside the test's, in a thread.
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["export", str(round_id), "--format", fmt, "--out", str(out)]
    )
    return result.exit_code, result.output


async def test_export_refuses_a_round_without_published_results(
    client: httpx.AsyncClient, closed: Closed, cli_database: None, tmp_path: Path
) -> None:
    code, output = await _export(closed.election.round_id, "pb", tmp_path / "out")

    assert code == 1
    assert "no published results" in output
    assert not (tmp_path / "out").exists()


async def test_export_writes_every_format_with_the_bytes_the_api_serves(
    client: httpx.AsyncClient, closed: Closed, cli_database: None, tmp_path: Path, tokens: Tokens
) -> None:
    await publish_all(client, closed)

    for fmt in ("pb", "csv", "parquet"):
        code, output = await _export(closed.election.round_id, fmt, tmp_path / fmt)
        assert code == 0, output

    pb_files = {path.stem: parse_pabulib(path.read_text(encoding="utf-8")) for path in (tmp_path / "pb").glob("*.pb")}
    assert set(pb_files) == set(closed.election.budgets)
    assert all(instance.projects for instance, _ in pb_files.values())
    # Only budgets the test residents could vote in have ballots (see VOTES in conftest.py).
    assert {slug for slug, (_, profile) in pb_files.items() if len(profile)} == set(VOTES)
    csv_files = {p.name for p in (tmp_path / "csv").iterdir()}
    parquet_files = sorted((tmp_path / "parquet").glob("*.parquet"))
    assert any(name.endswith(".csv") for name in csv_files)
    assert parquet_files
    assert all(len(pd.read_parquet(p).columns) > 0 for p in parquet_files)
    researcher = await tokens.headers(Role.RESEARCHER)
    for slug in VOTES:
        budget_id = closed.election.budgets[slug]
        for path, query in ((f"pb/{slug}.pb", "format=pb"), (f"csv/{slug}_ballots.csv", "format=csv&table=ballots"),
                            (f"parquet/{slug}_turnout.parquet", "format=parquet&table=turnout")):
            served = await client.get(f"/budgets/{budget_id}/export?{query}", headers=researcher)
            assert served.status_code == 200, served.text
            assert (tmp_path / path).read_bytes() == served.content, path
