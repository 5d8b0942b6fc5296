"""Keys derived from the voter-key master secret, which lives outside the database.

``K_round = HMAC(master, "round:" + round_id)`` and ``voter_key = HMAC(K_round, person_key)``: a person has
one key per round, keys of different rounds cannot be linked, and a database copy cannot recompute them. The
link key seals, on the participation row, which ballot is the voter's current one, so that a revote can
replace it while the database alone does not say whose ballot is whose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pb.voting.errors import SealBroken

NONCE_BYTES = 12


@dataclass(frozen=True, slots=True)
class SealedRef:
    """What the participation row remembers about the voter's current ballot."""

    ballot_id: uuid.UUID
    nonce: str


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class VotingKeys:
    """Derives every per-round key from the master secret."""

    master: bytes

    def round_key(self, round_id: int) -> bytes:
        return _round_key(self.master, round_id)

    def voter_key(self, round_id: int, person_key: str) -> str:
        return hmac.new(self.round_key(round_id), person_key.encode(), hashlib.sha256).hexdigest()

    def tag(self, round_id: int, *parts: str) -> str:
        """A keyed hash of request data (idempotency keys, bodies) that a database copy cannot test."""
        return hmac.new(
            _derived(self.master, f"request:{round_id}"), json.dumps(parts).encode(), hashlib.sha256
        ).hexdigest()

    def seal(self, round_id: int, ref: SealedRef, *, budget_id: int, voter_key: str) -> str:
        """Encrypt the ballot reference, bound to its participation row (a swapped value does not open)."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps({"b": str(ref.ballot_id), "n": ref.nonce}).encode()
        box = AESGCM(self._link_key(round_id)).encrypt(nonce, plain, _aad(budget_id, voter_key))
        return base64.urlsafe_b64encode(nonce + box).decode()

    def open(self, round_id: int, sealed: str, *, budget_id: int, voter_key: str) -> SealedRef:
        raw = base64.urlsafe_b64decode(sealed.encode())
        try:
            plain = AESGCM(self._link_key(round_id)).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(budget_id, voter_key)
            )
        except InvalidTag:
            raise SealBroken("the participation record does not open with this server's key") from None
        data = json.loads(plain)
        return SealedRef(ballot_id=uuid.UUID(data["b"]), nonce=str(data["n"]))

    def _link_key(self, round_id: int) -> bytes:
        return _derived(self.master, f"ballot-link:{round_id}")


def _aad(budget_id: int, voter_key: str) -> bytes:
    return f"{budget_id}:{voter_key}".encode()


@lru_cache(maxsize=1024)
def _round_key(master: bytes, round_id: int) -> bytes:
    return _hmac(master, f"round:{round_id}")


@lru_cache(maxsize=1024)
def _derived(master: bytes, label: str) -> bytes:
    return _hmac(master, label)
