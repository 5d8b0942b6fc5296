"""The municipality's manifest key: detached JWS signatures (EdDSA or ES256, PyJWT) and the published JWKS.

The private key comes from configuration (PB_RESULTS_SIGNING_KEY, e.g. mounted from a secret store); it is
never stored in the database. Development and tests use an ephemeral key.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from pb.keys import PrivateKey, PublicKey, algorithm_of, load_private_key, load_public_key
from pb.settings import Settings

MANIFEST_TYPE = "pb-manifest+jws"


@dataclass(frozen=True, slots=True)
class ManifestKey:
    kid: str
    algorithm: str
    private: PrivateKey


def public_jwk(key: PublicKey, kid: str | None = None) -> dict[str, Any]:
    """The key as a JWK with its kid (by default the RFC 7638 thumbprint), use and algorithm."""
    raw = OKPAlgorithm.to_jwk(key, as_dict=True) if isinstance(key, Ed25519PublicKey) else ECAlgorithm.to_jwk(
        key, as_dict=True
    )
    members = {k: raw[k] for k in ("crv", "kty", "x", "y") if k in raw}
    thumbprint = hashlib.sha256(json.dumps(members, sort_keys=True, separators=(",", ":")).encode()).digest()
    return {**raw, "kid": kid or _b64(thumbprint), "use": "sig", "alg": algorithm_of(key)}


@lru_cache(maxsize=8)
def _load(pem: str, kid: str | None) -> ManifestKey:
    key = load_private_key(pem, "PB_RESULTS_SIGNING_KEY")
    jwk = public_jwk(key.public_key(), kid)
    return ManifestKey(kid=jwk["kid"], algorithm=jwk["alg"], private=key)


def manifest_key(settings: Settings) -> ManifestKey:
    return _load(settings.results_signing_key.get_secret_value(), settings.results_signing_kid)


def jwks(settings: Settings) -> dict[str, Any]:
    """The current and earlier manifest keys, as served at /.well-known/pb-keys.json."""
    current = manifest_key(settings)
    keys = [public_jwk(current.private.public_key(), current.kid)]
    for pem in settings.results_previous_public_keys:
        keys.append(public_jwk(load_public_key(pem, "PB_RESULTS_PREVIOUS_PUBLIC_KEYS")))
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
