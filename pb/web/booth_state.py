"""What the booth keeps in the voter's browser: ballots in progress and the receipts it was given.

Nothing of it is stored on the server. It travels in one ``__Host-pb_booth`` cookie, encrypted and
authenticated with AES-GCM under a key derived from the service's secret, and bound to the signed-in session
(the session id is the associated data): another browser, a forged value or the next person who signs in on a
shared computer opens nothing, and signing out makes it unreadable. A cookie that does not open is an empty
state, never an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from litestar.datastructures import Cookie

from pb.core.settings import Settings
from pb.voting.receipts import Selections

COOKIE = "__Host-pb_booth"
KEPT_RECEIPTS = 3
"""Per budget: the current receipt and the ones it replaced, so a receipt check can say a revote replaced one."""
MAX_AGE_S = 12 * 3600
NONCE_BYTES = 12


@dataclass(slots=True)
class BoothState:
    drafts: dict[int, Selections] = field(default_factory=dict)
    """Budget id -> the selections in progress (or last cast, to start a changed vote from)."""
    receipts: dict[int, list[str]] = field(default_factory=dict)
    """Budget id -> receipts given in this session, newest first."""

    def receipt(self, budget_id: int) -> str | None:
        kept = self.receipts.get(budget_id)
        return kept[0] if kept else None

    def remember_receipt(self, budget_id: int, receipt: str) -> None:
        earlier = [r for r in self.receipts.get(budget_id, []) if r != receipt]
        self.receipts[budget_id] = [receipt, *earlier][:KEPT_RECEIPTS]

    def known_receipt(self, receipt: str) -> tuple[int, bool] | None:
        """(budget id, whether it is that budget's current one) for a receipt this browser was given."""
        for budget_id, kept in self.receipts.items():
            if receipt in kept:
                return budget_id, kept[0] == receipt
        return None


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.secret_key.get_secret_value().encode(), b"pb/web/booth-state", hashlib.sha256).digest()


def read(settings: Settings, value: str | None, session_id: str | None) -> BoothState:
    if not value or session_id is None:
        return BoothState()
    try:
        raw = base64.urlsafe_b64decode(value.encode())
        plain = AESGCM(_key(settings)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], session_id.encode())
        data: dict[str, Any] = json.loads(plain)
        return BoothState(
            drafts={int(k): _selections(v) for k, v in data.get("d", {}).items()},
            receipts={int(k): [str(r) for r in v][:KEPT_RECEIPTS] for k, v in data.get("r", {}).items()},
        )
    except (InvalidTag, ValueError, TypeError, AttributeError, binascii.Error):
        return BoothState()


def _selections(value: Any) -> Selections:
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in value.items()}
    return [str(code) for code in value]


def cookie(settings: Settings, state: BoothState, session_id: str) -> Cookie:
    plain = json.dumps(
        {"d": {str(k): v for k, v in state.drafts.items()}, "r": {str(k): v for k, v in state.receipts.items()}},
        separators=(",", ":"),
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    box = AESGCM(_key(settings)).encrypt(nonce, plain, session_id.encode())
    return Cookie(
        key=COOKIE, value=base64.urlsafe_b64encode(nonce + box).decode(), path="/", secure=True, httponly=True,
        samesite="lax", max_age=MAX_AGE_S,
    )
