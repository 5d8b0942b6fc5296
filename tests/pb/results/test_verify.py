"""Signed manifests verify with `pb verify`; one changed ballot, cost or manifest byte fails precisely."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from pb.cli.main import main
from tests.pb.results.conftest import Closed, downloads, publish_all


def run_verify(tmp_path: Path, manifest: Any, boards: Any, keys: Any) -> tuple[int, str]:
    files = {"manifest.json": manifest, "boards.json": boards, "keys.json": keys}
    for name, value in files.items():
        (tmp_path / name).write_text(json.dumps(value), encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "manifest.json"), "--ballots",
                                       str(tmp_path / "boards.json"), "--key", str(tmp_path / "keys.json")])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


async def test_manifest_is_refused_until_every_result_is_published(client: httpx.AsyncClient, closed: Closed) -> None:
    response = await client.get(f"/rounds/{closed.election.round_id}/manifest")
    assert response.status_code == 409
    assert response.json()["code"] == "results_not_published"


async def test_published_manifest_verifies(client: httpx.AsyncClient, closed: Closed, tmp_path: Path) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    assert keys["keys"][0]["alg"] == "EdDSA"
    code, output = run_verify(tmp_path, manifest, boards, keys)
    assert code == 0, output
    assert "manifest verified" in output


async def test_one_changed_ballot_fails_naming_the_budget_hash_and_counts(
    client: httpx.AsyncClient, closed: Closed, tmp_path: Path
) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    hyryla = next(b for b in boards if b["budget_id"] == closed.election.budgets["hyryla"])
    entry = next(b for b in hyryla["ballots"] if b["selections"] == ["D"])
    entry["selections"] = ["A"]
    code, output = run_verify(tmp_path, manifest, boards, keys)
    assert code == 1
    assert "(hyryla): ballot-set hash recomputed from the ballots is" in output
    assert "(hyryla) project A: support 5 on re-tally, 4 in the manifest" in output
    assert "project D: support 0 on re-tally, 1 in the manifest" in output
    assert "signature" not in output


async def test_one_changed_cost_fails_naming_the_project(
    client: httpx.AsyncClient, closed: Closed, tmp_path: Path
) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    budget = next(b for b in manifest["manifest"]["budgets"] if b["slug"] == "hyryla")
    project = next(p for p in budget["outcome"]["projects"] if p["code"] == "B")
    project["cost"] = 12_000
    code, output = run_verify(tmp_path, manifest, boards, keys)
    assert code == 1
    assert "signature: does not verify" in output
    assert "(hyryla) project B: cost 12000 in the outcome, 120000 in the frozen configuration" in output


async def test_one_changed_manifest_byte_fails_the_signature(
    client: httpx.AsyncClient, closed: Closed, tmp_path: Path
) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    text = json.dumps(manifest)
    position = text.index('"pb_version": "') + len('"pb_version": "')
    tampered = json.loads(text[:position] + ("9" if text[position] != "9" else "8") + text[position + 1:])
    code, output = run_verify(tmp_path, tampered, boards, keys)
    assert code == 1
    assert "MISMATCH signature: does not verify over the manifest's content" in output
