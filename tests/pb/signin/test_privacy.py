"""Nothing identifying leaks (S2) and the development IdP stays out of production."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from pb.app import create_app
from pb.core.settings import Settings
from pb.devidp.persons import BY_ID
from pb.signin.setup import signin_handlers
from tests.pb.signin.helpers import dev_login

HETU = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")


async def test_sign_in_logs_no_identity_or_token(browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
                                                 ) -> None:
    person = BY_ID["aino"]
    caplog.set_level(logging.DEBUG)

    signed_in = await dev_login(browser, "aino")
    await browser.get("/auth/me")
    await dev_login(browser, "heikki")
    await browser.post("/auth/logout")
    body = signed_in.json()

    pb_logs = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("pb", "litestar")))
    everything = pb_logs + "\n".join(str(r.args) for r in caplog.records if r.name.startswith("pb"))
    assert not HETU.search(everything)
    for secret in (person.national_id, person.name, person.subject, body["token"], body["csrf_token"]):
        assert secret not in everything
    assert person.national_id not in signed_in.text
    assert person.subject not in signed_in.text


def test_the_development_idp_is_not_mounted_in_production() -> None:
    settings = Settings(
        env="production", secret_key="s" * 40, voter_key_secret="v" * 40,
        session_private_key=Settings().session_private_key, oidc_issuer="https://idp.example",
        results_signing_key=Settings().results_signing_key, database_url="sqlite+aiosqlite:///:memory:",
    )

    app = create_app(settings, run_scheduler=False)

    paths = {route.path for route in app.routes}
    assert not any(path.startswith("/dev-idp") for path in paths)
    assert "/auth/login" in paths
    assert not hasattr(app.state, "dev_idp")
    assert [h.__name__ for h in signin_handlers(settings)] == ["SignInController"]


@pytest.mark.parametrize("missing", ["session_private_key", "voter_key_secret", "oidc_issuer"])
def test_production_refuses_to_start_without_sign_in_secrets(missing: str) -> None:
    values = {"env": "production", "secret_key": "s" * 40, "voter_key_secret": "v" * 40,
              "session_private_key": Settings().session_private_key, "oidc_issuer": "https://idp.example",
              "results_signing_key": Settings().results_signing_key}
    del values[missing]

    with pytest.raises(ValueError, match="PB_"):
        Settings(**values)  # type: ignore[arg-type]
