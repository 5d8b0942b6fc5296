"""Tables for resident sign-in: login attempts in flight and resident sessions. No national id, no name."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from pb.core.models import utc_column


class ResidentSession(SQLModel, table=True):
    """A resident's session; revoking it (logout, admin termination) ends every token issued for it."""

    __tablename__ = "resident_session"

    id: str = Field(primary_key=True, max_length=64)
    person_key: str = Field(max_length=64, index=True)
    birth_date: date | None = None
    municipality_code: str | None = Field(default=None, max_length=8)
    postal_code: str | None = Field(default=None, max_length=16)
    acr: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
    revoked_at: datetime | None = utc_column(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """An authorization request in flight: binds the callback's ``state`` to its nonce and PKCE verifier.

    Keyed by a hash of ``state``; the row is deleted when the callback consumes it, so a state works once.
    """

    __tablename__ = "login_attempt"

    state_hash: str = Field(primary_key=True, max_length=64)
    browser_hash: str = Field(max_length=64)
    """Hash of the random value in the browser's login cookie: the callback comes from the same browser."""
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
