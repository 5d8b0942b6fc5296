"""The development provider's logic: authorization codes in memory, ID tokens signed with an RS256 key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from pb.core.errors import InvalidInput, PbError
from pb.core.settings import DEV_IDP_PATH, Settings
from pb.devidp.persons import DevPerson, find_person

CODE_TTL_S = 60
ID_TOKEN_TTL_S = 300
KID = "dev-idp-1"


@lru_cache(maxsize=1)
def signing_key() -> rsa.RSAPrivateKey:
    """One key per process: the development provider's tokens do not outlive it."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OAuthError(PbError):
    """A refused token request; the body also carries OAuth's ``error`` (RFC 6749, section 5.2)."""

    code = "oauth_error"
    status = 400
    title = "Token request refused"

    def __init__(self, error: str) -> None:
        super().__init__(f"token request refused: {error}", error=error)


@dataclass(frozen=True, slots=True)
class _Grant:
    person: DevPerson
    redirect_uri: str
    nonce: str | None
    challenge: str
    issued_at: float


@dataclass
class DevIdentityProvider:
    settings: Settings
    _codes: dict[str, _Grant] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.settings.public_url.rstrip("/") + DEV_IDP_PATH

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def check_request(self, params: dict[str, str]) -> None:
        """Refuse requests for another client or redirect URI before anything is redirected."""
        if params.get("client_id") != self.settings.oidc_client_id:
            raise InvalidInput("unknown client_id", field="client_id")
        if params.get("redirect_uri") != self.settings.signin_redirect_uri:
            raise InvalidInput("redirect_uri is not registered for this client", field="redirect_uri")
        if params.get("response_type") != "code":
            raise InvalidInput("only the code flow is supported", field="response_type")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            raise InvalidInput("PKCE with S256 is required", field="code_challenge")

    def authorize(self, params: dict[str, str], *, person_id: str, now: datetime) -> str:
        """Approve the request for a test person; returns where to send the browser."""
        self.check_request(params)
        person = find_person(person_id)
        if person is None:
            raise InvalidInput("no such test person", field="person")
        self._expire(now)
        code = secrets.token_urlsafe(32)
        self._codes[code] = _Grant(person, params["redirect_uri"], params.get("nonce"), params["code_challenge"],
                                   now.timestamp())
        reply = {"code": code, **({"state": params["state"]} if "state" in params else {})}
        return str(httpx.URL(params["redirect_uri"], params=reply))

    def token(self, form: dict[str, str], *, client_id: str | None, now: datetime) -> dict[str, Any]:
        """Redeem a code once; checks the redirect URI and the PKCE verifier."""
        if form.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type")
        if (client_id or form.get("client_id")) != self.settings.oidc_client_id:
            raise OAuthError("invalid_client")
        self._expire(now)
        grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            raise OAuthError("invalid_grant")
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if not hmac.compare_digest(base64.urlsafe_b64encode(digest).rstrip(b"=").decode(), grant.challenge):
            raise OAuthError("invalid_grant")
        return {
            "access_token": secrets.token_urlsafe(32),
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_TTL_S,
            "id_token": self._id_token(grant, now=now),
        }

    def _id_token(self, grant: _Grant, *, now: datetime) -> str:
        person, s = grant.person, self.settings
        moment = int(now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": s.oidc_client_id, "sub": person.subject, "iat": moment,
            "exp": moment + ID_TOKEN_TTL_S, "auth_time": moment, "acr": person.acr,
            s.oidc_claim_national_id: person.national_id,
            s.oidc_claim_birth_date: person.birth_date.isoformat(),
            s.oidc_claim_municipality: person.municipality_code,
            s.oidc_claim_postal_code: person.postal_code,
            s.oidc_claim_name: person.name,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": KID, "typ": "JWT"})

    def _expire(self, now: datetime) -> None:
        moment = now.timestamp()
        self._codes = {c: g for c, g in self._codes.items() if moment - g.issued_at < CODE_TTL_S}
