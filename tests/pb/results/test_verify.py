"""Signed manifests verify with `pb verify`; one changed ballot, cost or manifest byte fails precisely."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
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


def _verify_files(tmp_path: Path, manifest: bytes, boards: bytes, key: str | None) -> tuple[int, str]:
    (tmp_path / "manifest.json").write_bytes(manifest)
    (tmp_path / "boards.json").write_bytes(boards)
    arguments = ["verify", str(tmp_path / "manifest.json"), "--ballots", str(tmp_path / "boards.json")]
    result = CliRunner().invoke(main, arguments + (["--key", key] if key else []))
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return result.exit_code, lines[0]


SHAPED = json.dumps({"manifest": {"budgets": [], "config": {}, "keys_url": "http://127.0.0.1:9/keys.json"},
                     "signature": "x..y"}).encode()


@pytest.mark.parametrize(("manifest", "wrong"), [
    (b'{"manifest": {"budgets": [', "not valid JSON (Expecting value at line 1, column 27)"),
    ('{"signature": "\xe4"}'.encode("latin-1"), "not UTF-8 text (byte 15)"),
    (b'[1, 2, 3]', "not a signed result manifest (an object with manifest and signature)"),
])
def test_an_unreadable_manifest_is_one_line_naming_the_file_with_status_2(
    tmp_path: Path, manifest: bytes, wrong: str,
) -> None:
    status, line = _verify_files(tmp_path, manifest, b"[]", None)

    assert status == 2
    assert line.endswith(f"{tmp_path / 'manifest.json'}: {wrong}")


def test_a_manifest_whose_configuration_pb_never_writes_is_one_line_naming_the_field_with_status_2(
    tmp_path: Path,
) -> None:
    (tmp_path / "keys.json").write_text('{"keys": []}', encoding="utf-8")

    status, line = _verify_files(tmp_path, SHAPED, b"[]", str(tmp_path / "keys.json"))

    assert status == 2
    assert line.endswith(f"{tmp_path / 'manifest.json'}: not a result manifest pb can check "
                         "(ConfigShapeError: config: missing round, budgets)")


@pytest.mark.parametrize(("key_url", "wrong"), [
    ("http://127.0.0.1:9/keys.json", "cannot be fetched"),
    ("http://no-such-host.invalid/keys.json", "cannot be fetched"),
    ("http:///keys.json", "not a URL that can be fetched"),
])
def test_an_unreachable_or_broken_key_url_is_one_line_with_status_2(tmp_path: Path, key_url: str, wrong: str) -> None:
    status, line = _verify_files(tmp_path, SHAPED, b"[]", key_url)

    assert status == 2
    assert key_url in line and wrong in line


@pytest.mark.parametrize("boards", [b'{"boards": [{"x": 1}]}', b'["a"]', b'{"budget_id": 1, "ballots": [3]}'])
def test_a_malformed_ballots_file_is_one_line_naming_it_with_status_2(tmp_path: Path, boards: bytes) -> None:
    (tmp_path / "keys.json").write_text('{"keys": []}', encoding="utf-8")

    status, line = _verify_files(tmp_path, SHAPED, boards, str(tmp_path / "keys.json"))

    assert status == 2
    assert f"{tmp_path / 'boards.json'}: board 1" in line
