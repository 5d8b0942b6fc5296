"""Each municipality's manifest key: detached JWS signatures (EdDSA or ES256, PyJWT) and the published JWKS.

Private keys come from configuration, never from the database: ``PB_RESULTS_SIGNING_KEYS`` maps municipality
slugs to PEM keys, and ``PB_RESULTS_SIGNING_KEY`` is the deployment-wide fallback for municipalities without
their own. In production the fallback is used only when it is set explicitly; otherwise a municipality without
a key gets no signed manifest (409 ``signing_key_missing``). Development and tests use an ephemeral fallback.

A key id is ``<municipality slug>:<RFC 7638 thumbprint>`` (or ``<slug>:<PB_RESULTS_SIGNING_KID>`` for the
fallback), and each published JWK names its municipality in a ``municipality`` member, so a verifier can tell
that a manifest was signed by the key of the municipality it speaks for.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from pb.core.keys import PrivateKey, PublicKey, algorithm_of, load_private_key, load_public_key
from pb.core.settings import Settings
from pb.results.errors import SigningKeyMissing

MANIFEST_TYPE = "pb-manifest+jws"
MUNICIPALITY_MEMBER = "municipality"


@dataclass(frozen=True, slots=True)
class ManifestKey:
    kid: str
    municipality: str
    """The slug of the municipality this key signs for."""
    algorithm: str
    private: PrivateKey


def thumbprint(key: PublicKey) -> str:
    """The key's RFC 7638 thumbprint (base64url SHA-256 of its required members)."""
    raw = _raw_jwk(key)
    members = {k: raw[k] for k in ("crv", "kty", "x", "y") if k in raw}
    return _b64(hashlib.sha256(json.dumps(members, sort_keys=True, separators=(",", ":")).encode()).digest())


def public_jwk(key: PublicKey, *, municipality: str, kid: str | None = None) -> dict[str, Any]:
    """The key as a JWK for one municipality: kid ``<slug>:<thumbprint>``, use, algorithm and municipality."""
    return {**_raw_jwk(key), "kid": f"{municipality}:{kid or thumbprint(key)}", "use": "sig",
            "alg": algorithm_of(key), MUNICIPALITY_MEMBER: municipality}


def _raw_jwk(key: PublicKey) -> dict[str, Any]:
    if isinstance(key, Ed25519PublicKey):
        return dict(OKPAlgorithm.to_jwk(key, as_dict=True))
    return dict(ECAlgorithm.to_jwk(key, as_dict=True))


@lru_cache(maxsize=64)
def _load(pem: str, municipality: str, kid: str | None, setting: str) -> ManifestKey:
    key = load_private_key(pem, setting)
    jwk = public_jwk(key.public_key(), municipality=municipality, kid=kid)
    return ManifestKey(kid=jwk["kid"], municipality=municipality, algorithm=jwk["alg"], private=key)


def _fallback_allowed(settings: Settings) -> bool:
    return settings.env != "production" or "results_signing_key" in settings.model_fields_set


def manifest_key(settings: Settings, municipality: str) -> ManifestKey:
    """The key that signs ``municipality``'s manifests: its own, else the fallback where that is allowed."""
    own = settings.results_signing_keys.get(municipality)
    if own is not None:
        return _load(own.get_secret_value(), municipality, None, "PB_RESULTS_SIGNING_KEYS")
    if not _fallback_allowed(settings):
        raise SigningKeyMissing(
            "no manifest signing key is configured for municipality %(municipality)r (PB_RESULTS_SIGNING_KEYS) "
            "and there is no deployment-wide PB_RESULTS_SIGNING_KEY",
            municipality=municipality,
        )
    return _load(settings.results_signing_key.get_secret_value(), municipality, settings.results_signing_kid,
                 "PB_RESULTS_SIGNING_KEY")


def jwks(settings: Settings, municipalities: Iterable[str]) -> dict[str, Any]:
    """Every municipality's current and earlier manifest keys, as served at /.well-known/pb-keys.json.

    ``municipalities`` are the slugs the deployment serves; configured keys of other slugs are published too.
    A municipality without a current key (production, no fallback) still gets its earlier keys.
    """
    slugs = sorted(set(municipalities) | set(settings.results_signing_keys)
                   | set(settings.results_previous_public_keys_by_municipality))
    keys: list[dict[str, Any]] = []
    for slug in slugs:
        seen: set[str] = set()
        if slug in settings.results_signing_keys or _fallback_allowed(settings):
            current = manifest_key(settings, slug)
            keys.append(public_jwk(current.private.public_key(), municipality=slug,
                                   kid=current.kid.partition(":")[2]))
            seen.add(current.kid)
        earlier = [*settings.results_previous_public_keys_by_municipality.get(slug, []),
                   *settings.results_previous_public_keys]
        for pem in earlier:
            jwk = public_jwk(load_public_key(pem, "PB_RESULTS_PREVIOUS_PUBLIC_KEYS"), municipality=slug)
            if jwk["kid"] not in seen:
                keys.append(jwk)
                seen.add(jwk["kid"])
    return {"keys": keys}


def sign_detached(payload: bytes, key: ManifestKey) -> str:
    """A compact JWS over ``payload`` with the payload left out: ``header..signature``."""
    token = jwt.api_jws.PyJWS().encode(
        payload, key.private, algorithm=key.algorithm, headers={"kid": key.kid, "typ": MANIFEST_TYPE}
    )
    header, _, signature = token.split(".")
    return f"{header}..{signature}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
