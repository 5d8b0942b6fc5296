"""The round's result manifest: configuration, costs, ballot-set hashes and outcomes, signed by the municipality.

``{"manifest": {...}, "signature": "<header>..<signature>"}``: the signature is a JWS over the manifest's
canonical JSON (keys sorted, ``,``/``:`` separators, UTF-8) with the payload detached, so anyone can check it
with the key published at /.well-known/pb-keys.json and then re-tally (``pb verify``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import NotFound
from pb.core.models import BudgetRound, Municipality
from pb.core.settings import Settings
from pb.results.counting import canonical_json
from pb.results.errors import ResultsNotPublished
from pb.results.models import BudgetResult, ResultStatus
from pb.results.signing import jwks, manifest_key, sign_detached
from pb.results.tally import frozen_config, results_of_round
from pb.rounds.frozen_config import RoundConfig

FORMAT = "pb-result-manifest/1"
KEYS_PATH = "/.well-known/pb-keys.json"


async def round_manifest(
    session: AsyncSession, *, round_id: int, settings: Settings
) -> dict[str, Any]:
    """The signed manifest of a round whose every budget's result is published; 409 before that.

    Signed with the municipality's own key (pb.results.signing); the manifest names the municipality and the
    key's id, so a verifier can check that the key belongs to the municipality the manifest speaks for.
    """
    budget_round = await session.get(BudgetRound, round_id)
    if budget_round is None:
        raise NotFound("round %(round_id)s does not exist", round_id=round_id)
    results = list(await results_of_round(session, round_id=round_id))
    config = await frozen_config(session, budget_round)
    unpublished = sorted(
        {b.id for b in config.budgets}
        - {r.budget_id for r in results if r.status == ResultStatus.PUBLISHED.value}
    )
    if unpublished:
        raise ResultsNotPublished(
            "the manifest is signed once every budget's result is published; not yet: %(unpublished)s",
            unpublished=unpublished,
        )
    municipality = await session.get(Municipality, budget_round.municipality_id)
    assert municipality is not None
    key = manifest_key(settings, municipality.slug)
    manifest = build(budget_round, municipality, config, results, issuer=settings.public_url, kid=key.kid)
    return {"manifest": manifest, "signature": sign_detached(canonical_json(manifest), key)}


async def published_keys(session: AsyncSession, *, settings: Settings) -> dict[str, Any]:
    """The JWKS at /.well-known/pb-keys.json: every municipality's current and earlier manifest keys."""
    slugs = (await session.exec(select(Municipality.slug).order_by(col(Municipality.slug)))).all()
    return jwks(settings, slugs)


def build(
    budget_round: BudgetRound, municipality: Municipality, config: RoundConfig, results: list[BudgetResult],
    *, issuer: str, kid: str,
) -> dict[str, Any]:
    published = max(r.published_at for r in results if r.published_at is not None)
    return {
        "format": FORMAT,
        "pb_version": results[0].pb_version,
        "issuer": issuer.rstrip("/"),
        "keys_url": issuer.rstrip("/") + KEYS_PATH,
        "municipality": {"id": municipality.id, "slug": municipality.slug, "code": municipality.code,
                         "name": municipality.name},
        "kid": kid,
        "round": {"id": budget_round.id, "slug": budget_round.slug, "year": budget_round.year,
                  "name": budget_round.name},
        "config_hash": budget_round.config_hash,
        "config": config.to_json(),
        "published_at": published.isoformat(),
        "budgets": [
            {
                "budget_id": r.budget_id,
                "slug": config.budget(r.budget_id).slug,
                "rule": r.rule,
                "parameters": r.parameters,
                "tie_break": r.tie_break,
                "seed": r.seed,
                "ballot_count": r.ballot_count,
                "ballot_set_hash": r.ballot_set_hash,
                "pb_version": r.pb_version,
                "outcome": r.outcome,
            }
            for r in sorted(results, key=lambda r: r.budget_id)
        ],
    }
