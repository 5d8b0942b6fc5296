"""A small fixed-window rate limiter per client, kept in the process (each app process counts on its own)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from pb.core.errors import PbError

WINDOW_S = 60.0
MAX_CLIENTS = 100_000


class RateLimited(PbError):
    code = "rate_limited"
    status = 429
    title = "Too many requests"


@dataclass
class RateLimiter:
    limit: int
    window_s: float = WINDOW_S
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def hit(self, client: str, *, now: datetime) -> None:
        """Count one request of ``client``; over the limit it is refused with the seconds to wait."""
        moment = now.timestamp()
        start, count = self._windows.get(client, (moment, 0))
        if moment - start >= self.window_s:
            start, count = moment, 0
        if count >= self.limit:
            retry_after = max(1, math.ceil(start + self.window_s - moment))
            raise RateLimited("too many sign-in attempts from this client; wait and try again",
                              retry_after=retry_after)
        if len(self._windows) >= MAX_CLIENTS:
            self._windows = {k: v for k, v in self._windows.items() if moment - v[0] < self.window_s}
        self._windows[client] = (start, count + 1)
