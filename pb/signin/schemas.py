"""Bodies of the sign-in API: what a resident learns about their own session, nothing identifying."""

from __future__ import annotations

from datetime import datetime

from pb.core.schemas import Output


class ResidentStatus(Output):
    """The signed-in resident's non-identifying status: enough to see why they may or may not vote."""

    session_id: str
    age_band: str | None
    municipality_code: str | None
    postal_code: str | None
    acr: str | None


class SignedIn(Output):
    """A new session: the bearer token for API clients (browsers also get it in an HttpOnly cookie)."""

    token: str
    token_type: str = "Bearer"  # noqa: S105 (a scheme name)
    expires_at: datetime
    csrf_token: str
    """Send it as ``X-CSRF-Token`` on cookie-authenticated writes (it is also in the ``__Host-pb_csrf`` cookie)."""
    display_name: str | None
    resident: ResidentStatus
