"""Sign-in use cases: start an authorization request, finish it on the callback, report and end sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.auth.identity import Resident, age_on
from pb.auth.models import LoginAttempt
from pb.auth.sessions import open_session
from pb.core.settings import Settings
from pb.signin.claims import ensure_assurance, identity_claims
from pb.signin.oidc import OidcClient, SignInRefused
from pb.signin.schemas import ResidentStatus, SignedIn

AGE_BANDS = ((15, "under 15"), (18, "15-17"), (30, "18-29"), (45, "30-44"), (65, "45-64"))


@dataclass(frozen=True, slots=True)
class LoginStart:
    authorization_url: str
    browser_binding: str
    """A random value for the browser's login cookie; the callback must bring it back."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def begin_login(db: AsyncSession, settings: Settings, oidc: OidcClient, *, now: datetime) -> LoginStart:
    """Record a login attempt (state, nonce, PKCE verifier) and build the provider's authorization URL."""
    metadata = await oidc.metadata(now=now)
    await db.exec(delete(LoginAttempt).where(col(LoginAttempt.expires_at) < now))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, browser = secrets.token_urlsafe(64), secrets.token_urlsafe(32)
    db.add(LoginAttempt(
        state_hash=_digest(state), browser_hash=_digest(browser), nonce=nonce, code_verifier=verifier,
        created_at=now, expires_at=now + timedelta(minutes=settings.login_attempt_ttl_minutes),
    ))
    await db.flush()
    url = oidc.authorization_url(metadata, state=state, nonce=nonce, verifier=verifier)
    return LoginStart(authorization_url=url, browser_binding=browser)


async def take_login_attempt(db: AsyncSession, *, state: str | None) -> LoginAttempt:
    """Remove the login attempt a callback's ``state`` names: a state is good for one callback, refused or not.

    The caller commits this on its own, before the sign-in is judged: were it part of the callback's
    transaction, a refusal would roll the removal back and leave the state usable again.
    """
    attempt = await db.get(LoginAttempt, _digest(state)) if state else None
    if attempt is None:
        raise SignInRefused("this sign-in is unknown or already finished; start again")
    await db.delete(attempt)
    await db.flush()
    return attempt


async def finish_login(
    db: AsyncSession,
    settings: Settings,
    oidc: OidcClient,
    *,
    attempt: LoginAttempt,
    code: str | None,
    browser_binding: str | None,
    error: str | None,
    now: datetime,
) -> tuple[str, Resident]:
    """Check the callback against its (taken) login attempt, redeem the code, verify the ID token, open a
    session."""
    if not browser_binding or not hmac.compare_digest(attempt.browser_hash, _digest(browser_binding)):
        raise SignInRefused("this sign-in was started in another browser; start again")
    if attempt.expires_at <= now:
        raise SignInRefused("this sign-in took too long; start again")
    if error is not None or not code:
        raise SignInRefused("the identity provider did not complete the sign-in")
    tokens = await oidc.exchange_code(code=code, verifier=attempt.code_verifier, now=now)
    claims = await oidc.verify_id_token(tokens["id_token"], nonce=attempt.nonce, now=now)
    access_token = tokens.get("access_token")
    if isinstance(access_token, str) and access_token:
        extra = await oidc.userinfo(access_token, now=now)
        if extra.get("sub") == claims["sub"]:
            claims = {**extra, **claims}
    identity = identity_claims(settings, oidc.issuer, claims)
    ensure_assurance(settings, identity.acr)
    return await open_session(db, settings, claims=identity, now=now)


def age_band(birth_date: date | None, *, today: date) -> str | None:
    """A coarse age band: enough for a resident to see why they may or may not vote."""
    if birth_date is None:
        return None
    age = age_on(birth_date, today)
    return next((band for limit, band in AGE_BANDS if age < limit), "65+")


def status(resident: Resident, *, now: datetime) -> ResidentStatus:
    return ResidentStatus(
        session_id=resident.session_id,
        age_band=age_band(resident.birth_date, today=now.date()),
        municipality_code=resident.municipality_code,
        postal_code=resident.postal_code,
        acr=resident.acr,
    )


def signed_in(settings: Settings, token: str, resident: Resident, *, csrf_token: str, now: datetime) -> SignedIn:
    return SignedIn(
        token=token,
        expires_at=now + timedelta(minutes=settings.session_ttl_minutes),
        csrf_token=csrf_token,
        display_name=resident.display_name,
        resident=status(resident, now=now),
    )
