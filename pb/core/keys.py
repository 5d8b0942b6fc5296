"""Asymmetric signing keys pb accepts (Ed25519 and P-256), read from PEM configuration."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def algorithm_of(key: PublicKey) -> str:
    """The JWS algorithm a key signs with: EdDSA for Ed25519, ES256 for P-256; other curves are refused."""
    if isinstance(key, Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise ValueError("signing keys must be Ed25519 or P-256")


@lru_cache(maxsize=16)
def load_private_key(pem: str, setting: str) -> PrivateKey:
    """The private key in ``pem``; ``setting`` names where it came from in the error."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{setting} must be an Ed25519 or P-256 private key")
    algorithm_of(key.public_key())
    return key


@lru_cache(maxsize=64)
def load_public_key(pem: str, setting: str) -> PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey):
        raise ValueError(f"{setting} must hold Ed25519 or P-256 public keys")
    algorithm_of(key)
    return key
