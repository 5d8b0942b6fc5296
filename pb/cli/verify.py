"""``pb verify``: check a signed result manifest against downloaded ballots, by re-tallying them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _load_json(source: str) -> Any:
    if source.startswith(("https://", "http://")):
        import httpx

        response = httpx.get(source, timeout=10.0, follow_redirects=False)
        response.raise_for_status()
        return response.json()
    return json.loads(Path(source).read_text(encoding="utf-8"))


def _boards(data: Any) -> list[dict[str, Any]]:
    """A board (GET /budgets/{id}/board), a list of them, or {"boards": [...]}."""
    if isinstance(data, dict) and "boards" in data:
        data = data["boards"]
    return list(data) if isinstance(data, list) else [data]


@click.command("verify")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False))
@click.option("--ballots", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The boards: one GET /budgets/{id}/board answer, a list of them, or {\"boards\": [...]}.")
@click.option("--key", "key_source", help="JWKS file or URL; defaults to the manifest's keys_url.")
def verify(manifest: str, ballots: str, key_source: str | None) -> None:
    """Check a result manifest's signature, ballot-set hashes and outcomes by re-tallying; exit 1 on any mismatch."""
    from pb.results.verify import check

    document = _load_json(manifest)
    keys = _load_json(key_source or str(document.get("manifest", {}).get("keys_url", "")))
    problems = check(document, _boards(_load_json(ballots)), keys)
    for problem in problems:
        click.echo(f"MISMATCH {problem}", err=True)
    if problems:
        sys.exit(1)
    budgets = document["manifest"]["budgets"]
    click.echo(f"manifest verified: signature, configuration, {len(budgets)} ballot sets and outcomes match")
