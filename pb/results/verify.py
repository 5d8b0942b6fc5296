"""Independent verification of a result manifest: signature, configuration, ballot sets, and a full re-tally.

It needs only the manifest, the published ballot sets (the boards, as GET /budgets/{id}/board serves them) and
the municipality's public keys; it reads no database. Every mismatch is reported, each naming the budget, the
project, the count or the hash at fault.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import jwt

from ballots.rules import RuleError
from pb.results.counting import Selections, canonical_json, count, outcome_json
from pb.rounds.frozen_config import BudgetConfig, RoundConfig

ALGORITHMS = ("EdDSA", "ES256")


def check_signature(document: Mapping[str, Any], keys: Mapping[str, Any]) -> list[str]:
    """The detached JWS must verify over the manifest's canonical JSON with a published key."""
    signature = str(document.get("signature", ""))
    header_b64, _, rest = signature.partition("..")
    try:
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    except ValueError:
        return ["signature: not a detached JWS (expected '<header>..<signature>')"]
    if not isinstance(header, dict):
        return ["signature: not a detached JWS (expected '<header>..<signature>')"]
    kid = header.get("kid")
    jwk = next((k for k in keys.get("keys", []) if k.get("kid") == kid), None)
    if jwk is None:
        return [f"signature: key {kid!r} is not among the published keys"]
    manifest = document.get("manifest") or {}
    problems = _check_key_owner(manifest, jwk)
    if problems:
        return problems
    algorithm = jwk.get("alg")
    if algorithm not in ALGORITHMS or header.get("alg") != algorithm:
        return [f"signature: algorithm {header.get('alg')!r} is not the key's ({algorithm!r})"]
    payload = base64.urlsafe_b64encode(canonical_json(document.get("manifest"))).rstrip(b"=").decode()
    try:
        key = jwt.PyJWK(dict(jwk)).key
        jwt.api_jws.PyJWS().decode_complete(f"{header_b64}.{payload}.{rest}", key, algorithms=[algorithm])
    except jwt.PyJWTError as exc:
        return [f"signature: does not verify over the manifest's content with key {jwk['kid']} ({exc})"]
    return []


def key_municipality(jwk: Mapping[str, Any]) -> str:
    """The municipality a published key signs for: its ``municipality`` member, else its kid's prefix."""
    return str(jwk.get("municipality") or str(jwk.get("kid", "")).partition(":")[0])


def _check_key_owner(manifest: Mapping[str, Any], jwk: Mapping[str, Any]) -> list[str]:
    """The signing key must be the one the manifest names, and belong to the manifest's municipality."""
    kid = jwk.get("kid")
    owner = key_municipality(jwk)
    municipality = (manifest.get("municipality") or {}).get("slug")
    if manifest.get("kid") != kid:
        return [f"signature: made with key {kid!r}, the manifest names key {manifest.get('kid')!r}"]
    if owner != municipality:
        return [f"signature: key {kid!r} belongs to municipality {owner!r}, "
                f"the manifest is for municipality {municipality!r}"]
    return []


def ballot_set_hash(budget_id: int, config_hash: str, entries: Sequence[tuple[str, Selections]]) -> str:
    """SHA-256 over ``receipt ":" canonical-ballot "\\n"`` lines in receipt order (docs/security.md)."""
    digest = hashlib.sha256()
    for receipt, selections in sorted(entries):
        ballot = {"budget_id": budget_id, "config_hash": config_hash, "selections": _canonical(selections)}
        digest.update(f"{receipt}:{canonical_json(ballot).decode()}\n".encode())
    return digest.hexdigest()


def _canonical(selections: Any) -> Selections:
    if isinstance(selections, dict):
        return {str(k): int(v) for k, v in sorted(selections.items())}
    return [str(c) for c in selections]


def check(document: Mapping[str, Any], boards: Sequence[Mapping[str, Any]], keys: Mapping[str, Any]) -> list[str]:
    """Every way the manifest, the ballots and a re-tally disagree; empty when all of it holds.

    The configuration's hash is recomputed over the manifest's own JSON, as signed; a configuration that is not
    one pb writes is a ConfigShapeError (a ValueError naming the field), not a mismatch.
    """
    problems = check_signature(document, keys)
    manifest = document.get("manifest") or {}
    raw = manifest.get("config") or {}
    recomputed = hashlib.sha256(canonical_json(raw)).hexdigest()
    if recomputed != manifest.get("config_hash"):
        problems.append(
            f"configuration: hash recomputed from the manifest's configuration is {recomputed}, "
            f"the manifest says {manifest.get('config_hash')}"
        )
    specs = {b.id: b for b in RoundConfig.from_json(raw).budgets}
    by_budget = {int(b["budget_id"]): b for b in boards}
    for entry in manifest.get("budgets", []):
        budget_id = int(entry["budget_id"])
        spec = specs.get(budget_id)
        if spec is None:
            problems.append(f"budget {budget_id}: not in the manifest's configuration")
            continue
        problems += _check_costs(entry, spec)
        board = by_budget.get(budget_id)
        if board is None:
            problems.append(f"budget {budget_id} ({spec.slug}): no ballot set for it in the ballots file")
            continue
        problems += _check_budget(entry, spec, board, str(manifest.get("config_hash")))
    return problems


def _check_costs(entry: Mapping[str, Any], spec: BudgetConfig) -> list[str]:
    official = {p.code: p.cost for p in spec.projects}
    return [
        f"budget {entry['budget_id']} ({spec.slug}) project {p['code']}: cost {p['cost']} in the outcome, "
        f"{official.get(p['code'])} in the frozen configuration"
        for p in entry["outcome"]["projects"]
        if official.get(p["code"]) != p["cost"]
    ]


def _check_budget(
    entry: Mapping[str, Any], spec: BudgetConfig, board: Mapping[str, Any], config_hash: str
) -> list[str]:
    name = f"budget {entry['budget_id']} ({spec.slug})"
    entries = [(str(b["receipt"]), _canonical(b["selections"])) for b in board.get("ballots", [])]
    problems: list[str] = []
    if len(entries) != entry["ballot_count"]:
        problems.append(
            f"{name}: {len(entries)} ballots in the ballots file, the manifest counts {entry['ballot_count']}"
        )
    recomputed = ballot_set_hash(int(entry["budget_id"]), config_hash, entries)
    if recomputed != entry["ballot_set_hash"]:
        problems.append(
            f"{name}: ballot-set hash recomputed from the ballots is {recomputed}, "
            f"the manifest says {entry['ballot_set_hash']}"
        )
    try:
        again = outcome_json(count(spec, [s for _, s in entries], seed=int(entry["seed"])), spec)
    except (RuleError, ValueError, KeyError) as exc:
        return [*problems, f"{name}: the ballots cannot be re-tallied ({exc})"]
    return problems + _compare(name, entry["outcome"], again)


def _compare(name: str, published: Mapping[str, Any], again: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if list(published["selected"]) != list(again["selected"]):
        problems.append(f"{name}: re-tally funds {again['selected']}, the manifest funds {published['selected']}")
    theirs = {p["code"]: p for p in published["projects"]}
    for mine in again["projects"]:
        shown = theirs.get(mine["code"])
        if shown is None:
            problems.append(f"{name} project {mine['code']}: missing from the manifest's outcome")
            continue
        for field in ("support", "status"):
            if shown[field] != mine[field]:
                problems.append(
                    f"{name} project {mine['code']}: {field} {mine[field]} on re-tally, {shown[field]} in the manifest"
                )
    for field in ("total_cost", "leftover"):
        if published[field] != again[field]:
            problems.append(f"{name}: {field} {again[field]} on re-tally, {published[field]} in the manifest")
    return problems
