"""pb's keys for resident session tokens: one signing key, older public keys kept for rotation."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization

from pb.core.keys import PrivateKey, PublicKey, algorithm_of, load_private_key, load_public_key
from pb.core.settings import Settings


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


def _kid(key: PublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:16]).rstrip(b"=").decode()


@lru_cache(maxsize=16)
def _load_private(pem: str) -> SigningKey:
    key = load_private_key(pem, "PB_SESSION_PRIVATE_KEY")
    public = key.public_key()
    return SigningKey(kid=_kid(public), algorithm=algorithm_of(public), key=key)


def _load_public(pem: str) -> VerifyingKey:
    key = load_public_key(pem, "PB_SESSION_PREVIOUS_PUBLIC_KEYS")
    return VerifyingKey(kid=_kid(key), algorithm=algorithm_of(key), key=key)


def signing_key(settings: Settings) -> SigningKey:
    return _load_private(settings.session_private_key.get_secret_value())


def verifying_keys(settings: Settings) -> dict[str, VerifyingKey]:
    """Keys accepted on verification, by kid: the current key and the rotated-out ones."""
    private_pem = settings.session_private_key.get_secret_value()
    return _verifying_keys(private_pem, tuple(settings.session_previous_public_keys))


@lru_cache(maxsize=16)
def _verifying_keys(private_pem: str, previous: tuple[str, ...]) -> dict[str, VerifyingKey]:
    current = _load_private(private_pem)
    public = current.key.public_key()
    keys = {current.kid: VerifyingKey(kid=current.kid, algorithm=current.algorithm, key=public)}
    for pem in previous:
        old = _load_public(pem)
        keys.setdefault(old.kid, old)
    return keys
