"""The cast route's guard: a rate limit per session, and a cast event for every refused cast.

A refused cast rolls its transaction back, so the refusal is recorded here, in a transaction of its own, from
the response's status and problem code, as a ``cast_event`` row (no shared lock); it names no resident and holds
no ballot content.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from pb.audit.cast_log import record_cast
from pb.audit.models import CastAction
from pb.core.db import SessionMaker, transaction
from pb.core.errors import Unauthorized
from pb.http.dependencies import CREDENTIAL_STATE, session_credential

CAST_RATE_PER_MINUTE = 30
"""Default; an app may set ``app.state.cast_rate_per_minute``. Each worker process counts on its own."""
PROBLEM_LIMIT = 4096


@dataclass
class RateLimiter:
    """A token bucket per client: ``per_minute`` casts a minute, with bursts up to the same number."""

    per_minute: int
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    """Clients refused since their last accepted request: a flood is audited once, not once per request."""

    def take(self, client: str, at: float) -> float | None:
        """None when the cast may go ahead; else the seconds until it may."""
        tokens, last = self.buckets.get(client, (float(self.per_minute), at))
        tokens = min(float(self.per_minute), tokens + (at - last) * self.per_minute / 60)
        if tokens < 1:
            self.buckets[client] = (tokens, at)
            return (1 - tokens) * 60 / self.per_minute
        self.buckets[client] = (tokens - 1, at)
        self.refused.discard(client)
        if len(self.buckets) > 100_000:
            self._forget_full(at)
        return None

    def _forget_full(self, at: float) -> None:
        horizon = 60.0
        self.buckets = {k: v for k, v in self.buckets.items() if at - v[1] < horizon}
        self.refused &= self.buckets.keys()


def client_of(scope: Scope, state: Any) -> str:
    """The session of a verified token (many residents share a NAT address), else the address.

    The key is the session the token names once its signature is checked, never the header's bytes: a header
    written another way (spaces, the scheme's case), or another encoding of the same signature, is the same
    client. The verified credential is left for the route, which then does not verify it again.
    """
    try:
        credential = session_credential(ASGIConnection(scope), state.settings, state.clock())
    except Unauthorized:
        client = scope.get("client")
        return f"addr:{client[0] if client else '?'}"
    scope.setdefault("state", {})[CREDENTIAL_STATE] = credential
    return "session:" + credential.session_id


class CastGuard:
    """ASGI middleware for the cast route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.limiter: RateLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        limiter = self.limiter = self.limiter or RateLimiter(
            int(state.get("cast_rate_per_minute", CAST_RATE_PER_MINUTE))
        )
        budget_id = scope.get("path_params", {}).get("budget_id")
        client = client_of(scope, state)
        wait = limiter.take(client, time.monotonic())
        if wait is not None:
            await _too_many(send, wait)
            if client not in limiter.refused:
                limiter.refused.add(client)
                await _record(state, budget_id, 429, "rate_limited")
            return
        seen: dict[str, Any] = {"status": 200, "body": b""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body" and seen["status"] >= 400:
                seen["body"] = (seen["body"] + message.get("body", b""))[:PROBLEM_LIMIT]
            await send(message)

        await self.app(scope, receive, watch)
        # An unauthenticated request is no resident's cast; auditing each would let anyone fill the log.
        if seen["status"] >= 400 and seen["status"] != 401:
            await _record(state, budget_id, seen["status"], _code_of(seen["body"]))


def _code_of(body: bytes) -> str:
    try:
        code = json.loads(body).get("code")
    except (ValueError, AttributeError):
        return "unknown"
    return str(code)[:64] if code else "unknown"


async def _record(state: Any, budget_id: object, status: int, code: str) -> None:
    if not isinstance(budget_id, int) or not 0 <= budget_id < 2**31:
        return  # no budget this could be accounted to (and no row to fill the log with)
    sessionmaker: SessionMaker = state.sessionmaker
    async with transaction(sessionmaker) as session:
        await record_cast(
            session, budget_id=budget_id, action=CastAction.REJECTED, status=status, code=code, now=state.clock()
        )


async def _too_many(send: Send, wait: float) -> None:
    body = json.dumps(
        {
            "type": "/problems/rate_limited",
            "title": "Too many requests",
            "status": 429,
            "code": "rate_limited",
            "detail": "too many ballots from this client; try again later",
        }
    ).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"retry-after", str(math.ceil(wait)).encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)
