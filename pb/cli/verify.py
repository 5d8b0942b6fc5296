"""``pb verify``: check a signed result manifest against downloaded ballots, by re-tallying them.

Exit status 0 when everything matches, 1 when the verification fails (each mismatch named), 2 when an input
cannot be read or is not what it should be (one line naming the file or URL and what is wrong).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click


class Unreadable(click.ClickException):
    """An input that cannot be read, fetched or understood: exit status 2, as for a usage error."""

    exit_code = 2


def _fetch(url: str) -> bytes:
    import httpx

    try:
        response = httpx.get(url, timeout=10.0, follow_redirects=False)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise Unreadable(f"{url}: not a URL that can be fetched ({exc})") from exc
    except httpx.HTTPError as exc:
        raise Unreadable(f"{url}: cannot be fetched ({type(exc).__name__}: {exc})") from exc
    if response.status_code != 200:
        raise Unreadable(f"{url}: answered HTTP {response.status_code}, not the document")
    return response.content


def _load_json(source: str) -> Any:
    """A JSON document from a file or an http(s) URL; anything else is :class:`Unreadable`, naming the source."""
    if source.startswith(("https://", "http://")):
        raw = _fetch(source)
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise Unreadable(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"{source}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc


def _boards(data: Any, source: str) -> list[dict[str, Any]]:
    """A board (GET /budgets/{id}/board), a list of them, or {"boards": [...]}; each checked for its shape."""
    if isinstance(data, dict) and "boards" in data:
        data = data["boards"]
    boards = data if isinstance(data, list) else [data]
    for number, board in enumerate(boards, start=1):
        where = f"{source}: board {number}"
        if not isinstance(board, dict) or not isinstance(board.get("budget_id"), int):
            raise Unreadable(f"{where} is not a bulletin board (an object with budget_id and ballots)")
        ballots = board.get("ballots", [])
        if not isinstance(ballots, list) or not all(
            isinstance(b, dict) and isinstance(b.get("receipt"), str) and "selections" in b for b in ballots
        ):
            raise Unreadable(f"{where}: ballots must be a list of objects with a receipt and selections")
    return boards


def _manifest(data: Any, source: str) -> Mapping[str, Any]:
    inner = data.get("manifest") if isinstance(data, dict) else None
    if not isinstance(inner, dict) or not isinstance(data.get("signature"), str):
        raise Unreadable(f"{source}: not a signed result manifest (an object with manifest and signature)")
    if not isinstance(inner.get("budgets"), list) or not isinstance(inner.get("config"), dict):
        raise Unreadable(f"{source}: the manifest has no list of budgets")
    return data  # type: ignore[no-any-return]


def _keys(data: Any, source: str) -> Mapping[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise Unreadable(f"{source}: not a JSON Web Key Set (an object with a list of keys)")
    return data


@click.command("verify")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False))
@click.option("--ballots", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The boards: one GET /budgets/{id}/board answer, a list of them, or {\"boards\": [...]}.")
@click.option("--key", "key_source", help="JWKS file or URL; defaults to the manifest's keys_url.")
def verify(manifest: str, ballots: str, key_source: str | None) -> None:
    """Check a result manifest's signature, ballot-set hashes and outcomes by re-tallying.

    Exit status 1 on any mismatch, 2 when an input cannot be read.
    """
    from pb.results.verify import check

    document = _manifest(_load_json(manifest), manifest)
    keys_url = key_source or document["manifest"].get("keys_url")
    if not isinstance(keys_url, str) or not keys_url:
        raise Unreadable(f"{manifest}: names no keys_url; give the keys with --key")
    keys = _keys(_load_json(keys_url), keys_url)
    boards = _boards(_load_json(ballots), ballots)
    try:
        problems = check(document, boards, keys)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable(f"{manifest}: not a result manifest pb can check ({type(exc).__name__}: {exc})") from exc
    for problem in problems:
        click.echo(f"MISMATCH {problem}", err=True)
    if problems:
        sys.exit(1)
    budgets = document["manifest"]["budgets"]
    click.echo(f"manifest verified: signature, configuration, {len(budgets)} ballot sets and outcomes match")
