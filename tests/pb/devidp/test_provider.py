"""The development identity provider holds to what pb's sign-in relies on: PKCE, one use per code, a short code
lifetime, the registered client and redirect, and ID tokens that its published keys verify."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jwt
import pytest

from pb.core.errors import InvalidInput
from pb.core.settings import Settings
from pb.devidp.persons import BY_ID, PERSONS, make_hetu
from pb.devidp.provider import CODE_TTL_S, DevIdentityProvider, OAuthError

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
VERIFIER = "a-verifier-long-enough-for-pkce-0123456789abcdef"


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def provider() -> DevIdentityProvider:
    return DevIdentityProvider(Settings(env="test", database_url="sqlite+aiosqlite:///:memory:"))


def request(provider: DevIdentityProvider, **changes: str) -> dict[str, str]:
    params = {
        "client_id": provider.settings.oidc_client_id, "redirect_uri": provider.settings.signin_redirect_uri,
        "response_type": "code", "code_challenge_method": "S256", "code_challenge": challenge(VERIFIER),
        "state": "s-1", "nonce": "n-1",
    }
    return {**params, **changes}


def code_of(location: str) -> str:
    return location.split("code=", 1)[1].split("&", 1)[0]


def redeem(
    provider: DevIdentityProvider, code: str, *, now: datetime = NOW, changes: dict[str, str] | None = None
) -> dict[str, Any]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": provider.settings.signin_redirect_uri,
            "code_verifier": VERIFIER, **(changes or {})}
    return provider.token(form, client_id=provider.settings.oidc_client_id, now=now)


def test_a_code_gives_an_id_token_its_published_key_verifies(provider: DevIdentityProvider) -> None:
    location = provider.authorize(request(provider), person_id="aino", now=NOW)
    assert location.startswith(provider.settings.signin_redirect_uri) and "state=s-1" in location

    answer = redeem(provider, code_of(location))

    key = jwt.PyJWK(provider.jwks()["keys"][0])
    claims = jwt.decode(answer["id_token"], key.key, algorithms=["RS256"], audience=provider.settings.oidc_client_id,
                        issuer=provider.issuer, options={"verify_exp": False, "verify_iat": False})
    aino = BY_ID["aino"]
    assert (claims["sub"], claims["nonce"], claims["acr"]) == (aino.subject, "n-1", aino.acr)
    assert claims[provider.settings.oidc_claim_national_id] == aino.national_id


def test_a_code_is_redeemed_once(provider: DevIdentityProvider) -> None:
    code = code_of(provider.authorize(request(provider), person_id="aino", now=NOW))
    redeem(provider, code)

    with pytest.raises(OAuthError) as refused:
        redeem(provider, code)
    assert refused.value.extra == {"error": "invalid_grant"}


@pytest.mark.parametrize(
    "changes", [{"code_verifier": "another-verifier-0123456789abcdef0123456789"}, {"redirect_uri": "https://evil.test/cb"}]
)
def test_a_wrong_verifier_or_redirect_is_an_invalid_grant(
    provider: DevIdentityProvider, changes: dict[str, str]
) -> None:
    code = code_of(provider.authorize(request(provider), person_id="aino", now=NOW))

    with pytest.raises(OAuthError) as refused:
        redeem(provider, code, changes=changes)
    assert refused.value.extra == {"error": "invalid_grant"}


def test_a_code_expires(provider: DevIdentityProvider) -> None:
    code = code_of(provider.authorize(request(provider), person_id="aino", now=NOW))

    with pytest.raises(OAuthError):
        redeem(provider, code, now=NOW + timedelta(seconds=CODE_TTL_S))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_id": "someone-else"}, "client_id"),
        ({"redirect_uri": "https://evil.test/cb"}, "redirect_uri"),
        ({"response_type": "token"}, "response_type"),
        ({"code_challenge_method": "plain"}, "code_challenge"),
    ],
)
def test_a_request_for_another_client_redirect_or_flow_is_refused_before_any_redirect(
    provider: DevIdentityProvider, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        provider.authorize(request(provider, **changes), person_id="aino", now=NOW)
    assert refused.value.field == field


def test_an_unknown_test_person_is_refused(provider: DevIdentityProvider) -> None:
    with pytest.raises(InvalidInput) as refused:
        provider.authorize(request(provider), person_id="nobody", now=NOW)
    assert refused.value.field == "person"


def test_identity_codes_carry_a_correct_check_character_in_the_test_range() -> None:
    assert make_hetu(date(1952, 10, 13), 308) == "131052-308T"  # the example in the population register's guide
    assert make_hetu(date(2013, 6, 1), 905)[6] == "A"
    assert all(900 <= person.individual <= 999 for person in PERSONS)
