"""pb's keys for resident session tokens: one signing key, older public keys kept for rotation."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pb.settings import Settings

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, slots=True)
class VerifyingKey:
    kid: str
    algorithm: str
    key: PublicKey


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    algorithm: str
    key: PrivateKey


def _algorithm(key: PublicKey) -> str:
    if isinstance(key, Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise ValueError("session keys must be Ed25519 or P-256")


def _kid(key: PublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:16]).rstrip(b"=").decode()


@lru_cache(maxsize=16)
def _load_private(pem: str) -> SigningKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("PB_SESSION_PRIVATE_KEY must be an Ed25519 or P-256 private key")
    public = key.public_key()
    return SigningKey(kid=_kid(public), algorithm=_algorithm(public), key=key)


@lru_cache(maxsize=64)
def _load_public(pem: str) -> VerifyingKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey):
        raise ValueError("session public keys must be Ed25519 or P-256")
    return VerifyingKey(kid=_kid(key), algorithm=_algorithm(key), key=key)


def signing_key(settings: Settings) -> SigningKey:
    return _load_private(settings.session_private_key.get_secret_value())


def verifying_keys(settings: Settings) -> dict[str, VerifyingKey]:
    """Keys accepted on verification, by kid: the current key and the rotated-out ones."""
    current = signing_key(settings)
    public = current.key.public_key()
    keys = {current.kid: VerifyingKey(kid=current.kid, algorithm=current.algorithm, key=public)}
    for pem in settings.session_previous_public_keys:
        old = _load_public(pem)
        keys.setdefault(old.kid, old)
    return keys
