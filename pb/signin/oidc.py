"""An OpenID Connect relying party: discovery, JWKS, code exchange and ID-token verification.

Only the configured issuer is trusted. Keys come from its discovery document's ``jwks_uri``, never from a URL or
key found in a token (``jku``, ``x5u``, ``jwk`` and ``x5c`` headers are refused, as is ``crit``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import jwt

from pb.core.errors import PbError, Unauthorized
from pb.core.settings import Settings

LEEWAY_S = 30
MAX_ID_TOKEN_AGE_S = 15 * 60
JWKS_REFRESH_MIN_S = 60.0
FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "crit"})
SYMMETRIC = frozenset({"none", "HS256", "HS384", "HS512"})
HttpFactory = Callable[[], httpx.AsyncClient]


class ProviderUnavailable(PbError):
    code = "identity_provider_unavailable"
    status = 503
    title = "The identity provider cannot be reached"


class SignInRefused(Unauthorized):
    code = "sign_in_refused"
    title = "Sign-in refused"


@dataclass
class _Cached:
    value: dict[str, Any]
    fetched_at: float


@dataclass
class OidcClient:
    """Talks to one identity provider; caches its discovery document and keys with an expiry."""

    settings: Settings
    http: HttpFactory
    _metadata: _Cached | None = None
    _jwks: _Cached | None = None
    _jwks_refreshed_at: float = field(default=float("-inf"))

    @property
    def issuer(self) -> str:
        return self.settings.signin_issuer

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self.http() as http:
                response = await http.get(url, timeout=self.settings.oidc_http_timeout_s)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable("the identity provider did not answer; try again shortly") from exc
        if not isinstance(body, dict):
            raise ProviderUnavailable("the identity provider sent an unexpected answer")
        return body

    async def metadata(self, *, now: datetime) -> dict[str, Any]:
        """The discovery document; its ``issuer`` must equal the configured issuer exactly."""
        moment = now.timestamp()
        if self._metadata is None or moment - self._metadata.fetched_at > self.settings.oidc_cache_ttl_s:
            document = await self._get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
            if document.get("issuer") != self.issuer:
                raise ProviderUnavailable("the identity provider's discovery document names another issuer")
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(document.get(name), str):
                    raise ProviderUnavailable("the discovery document has no %(name)s", name=name)
            self._metadata = _Cached(document, moment)
        return self._metadata.value

    async def _keys(self, *, now: datetime, refresh: bool = False) -> list[dict[str, Any]]:
        moment = now.timestamp()
        stale = self._jwks is None or moment - self._jwks.fetched_at > self.settings.oidc_cache_ttl_s
        # An unknown kid may mean the provider rotated its keys: refetch, but at most once a minute.
        if stale or (refresh and moment - self._jwks_refreshed_at >= JWKS_REFRESH_MIN_S):
            metadata = await self.metadata(now=now)
            document = await self._get_json(metadata["jwks_uri"])
            self._jwks = _Cached(document, moment)
            self._jwks_refreshed_at = moment
        assert self._jwks is not None
        keys = self._jwks.value.get("keys")
        return [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []

    async def _key_for(self, header: dict[str, Any], *, now: datetime) -> Any:
        kid, alg = header.get("kid"), header["alg"]
        for refresh in (False, True):
            keys = [k for k in await self._keys(now=now, refresh=refresh) if k.get("use", "sig") == "sig"]
            chosen = [k for k in keys if k.get("kid") == kid] if kid is not None else keys
            if len(chosen) == 1:
                jwk = chosen[0]
                if jwk.get("alg", alg) != alg:
                    raise SignInRefused("the ID token's algorithm does not match its key")
                try:
                    return jwt.PyJWK(jwk, algorithm=alg).key
                except jwt.PyJWTError as exc:
                    raise SignInRefused("the identity provider's key cannot verify this token") from exc
        raise SignInRefused("the ID token is signed with an unknown key")

    def authorization_url(self, metadata: dict[str, Any], *, state: str, nonce: str, verifier: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.settings.oidc_client_id,
            "redirect_uri": self.settings.signin_redirect_uri,
            "scope": self.settings.oidc_scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return str(httpx.URL(metadata["authorization_endpoint"], params=params))

    async def exchange_code(self, *, code: str, verifier: str, now: datetime) -> dict[str, Any]:
        """Trade the authorization code for tokens at the token endpoint (the code works once there)."""
        metadata = await self.metadata(now=now)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.signin_redirect_uri,
            "code_verifier": verifier,
            "client_id": self.settings.oidc_client_id,
        }
        secret = self.settings.oidc_client_secret
        auth: tuple[str | bytes, str | bytes] | None = (
            (self.settings.oidc_client_id, secret.get_secret_value()) if secret is not None else None
        )
        try:
            async with self.http() as http:
                response = await http.post(
                    metadata["token_endpoint"], data=form, auth=auth or httpx.USE_CLIENT_DEFAULT,
                    timeout=self.settings.oidc_http_timeout_s,
                )
        except httpx.HTTPError as exc:
            raise ProviderUnavailable("the identity provider did not answer; try again shortly") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable("the identity provider failed; try again shortly")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            raise SignInRefused("the identity provider did not accept the sign-in (the code may be used or old)")
        return body

    async def userinfo(self, access_token: str, *, now: datetime) -> dict[str, Any]:
        """Claims from the userinfo endpoint, for providers that release attributes only there."""
        endpoint = (await self.metadata(now=now)).get("userinfo_endpoint")
        if not isinstance(endpoint, str):
            return {}
        try:
            async with self.http() as http:
                response = await http.get(
                    endpoint, headers={"Authorization": f"Bearer {access_token}"},
                    timeout=self.settings.oidc_http_timeout_s,
                )
            body = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable("the identity provider did not answer; try again shortly") from exc
        return body if isinstance(body, dict) else {}

    async def verify_id_token(self, token: str, *, nonce: str, now: datetime) -> dict[str, Any]:
        """Verify signature (pinned algorithms, provider keys), issuer, audience, times and nonce."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInRefused("the ID token is malformed") from exc
        alg = header.get("alg")
        if (
            not isinstance(alg, str)
            or alg in SYMMETRIC
            or alg not in self.settings.oidc_algorithms
            or FORBIDDEN_HEADERS & header.keys()
            or str(header.get("typ", "JWT")).lower() in ("at+jwt", "application/at+jwt")
        ):
            raise SignInRefused("the ID token's header is not acceptable")
        key = await self._key_for(header, now=now)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=self.settings.oidc_client_id, issuer=self.issuer,
                options={"require": ["iss", "aud", "sub", "exp", "iat"], "verify_exp": False,
                         "verify_nbf": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise SignInRefused("the ID token is not valid") from exc
        _check_times(claims, now=now)
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.settings.oidc_client_id:
            raise SignInRefused("the ID token was issued to another party")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
            raise SignInRefused("the ID token does not belong to this sign-in")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise SignInRefused("the ID token names no subject")
        return claims


def _check_times(claims: dict[str, Any], *, now: datetime) -> None:
    moment = now.timestamp()
    values = [claims.get(name) for name in ("exp", "iat")] + [claims.get("nbf", claims.get("iat"))]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise SignInRefused("the ID token's times are malformed")
    exp, iat, nbf = (float(v) for v in values)  # type: ignore[arg-type]
    if exp <= moment - LEEWAY_S:
        raise SignInRefused("the ID token has expired")
    if nbf > moment + LEEWAY_S or iat > moment + LEEWAY_S:
        raise SignInRefused("the ID token is not valid yet")
    if iat < moment - MAX_ID_TOKEN_AGE_S:
        raise SignInRefused("the ID token is too old")


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

