"""Canonical ballots, receipts and the hash over a published ballot set (E1, E2); see docs/security.md.

* canonical ballot: ``{"budget_id":<int>,"config_hash":"<hex>","selections":<selections>}`` as JSON with keys
  sorted, separators ``,`` and ``:``, non-ASCII kept (UTF-8); selections are sorted codes (approval,
  knapsack), codes best first (ranked) or ``{code: points}`` (cumulative);
* ``receipt = hex(SHA-256(UTF-8(nonce) || UTF-8(canonical ballot)))``, which the voter's client can compute;
* ``set_hash = hex(SHA-256(concatenation, in receipt order, of UTF-8(receipt ":" canonical ballot "\n")))``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from typing import Any

Selections = list[str] | dict[str, int]


def canonical_ballot(*, budget_id: int, config_hash: str, selections: Selections) -> str:
    body = {"budget_id": budget_id, "config_hash": config_hash, "selections": selections}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def receipt_of(nonce: str, canonical: str) -> str:
    return hashlib.sha256(nonce.encode() + canonical.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def set_hash(entries: Iterable[tuple[str, str]]) -> str:
    """Hash ``(receipt, canonical ballot)`` pairs in receipt order."""
    digest = hashlib.sha256()
    for receipt, canonical in sorted(entries):
        digest.update(f"{receipt}:{canonical}\n".encode())
    return digest.hexdigest()


def stored_selections(value: Any) -> Selections:
    """Selections as read back from the JSON column (JSONB reorders object keys; canonical form sorts)."""
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in sorted(value.items())}
    return [str(code) for code in value]
