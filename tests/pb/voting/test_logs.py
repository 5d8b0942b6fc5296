"""S2: a scripted election leaves no personal or ballot data in any log record.

Sign-in through the development IdP, casts (valid, invalid, a revote), a refused request and a forced 500 whose
database error carries the ballot's values, while every record of pb, litestar, uvicorn's access log (through
pb.http.accesslog's filter) and sqlalchemy is captured; then grep them all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

from pb.devidp.persons import BY_ID
from pb.http.accesslog import DropQueryString
from pb.voting import first_cast, service
from tests.conftest import asgi_transport
from tests.pb.signin.helpers import dev_login
from tests.pb.voting.election import Election

HETU = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")
NONCE = "s2-client-nonce-0123456789abcdef"
THEME_NONCE = "s2-theme-nonce-fedcba9876543210"
LOGGERS = ("pb", "litestar", "uvicorn", "uvicorn.access", "uvicorn.error", "sqlalchemy", "sqlalchemy.engine")


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        """Every record as a handler would write it, with its traceback and raw arguments."""
        return "\n".join(f"{self.format(r)} {r.args!r}" for r in self.records if r.name.startswith(LOGGERS))


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    access_filter = DropQueryString()
    logging.getLogger("uvicorn.access").addFilter(access_filter)
    # pb's configured level (INFO); sqlalchemy at INFO too, as when an operator turns SQL logging on.
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    for name in ("litestar", "uvicorn.access"):  # these do not propagate to the root
        logging.getLogger(name).addHandler(handler)
    try:
        yield handler
    finally:
        for name in ("litestar", "uvicorn.access"):
            logging.getLogger(name).removeHandler(handler)
        logging.getLogger().removeHandler(handler)
        logging.getLogger("uvicorn.access").removeFilter(access_filter)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@dataclass
class Script:
    """What a scripted election sent, and what must never reach a log."""

    secrets: dict[str, str]
    config_hash: str


async def _scripted_election(app: Litestar, election: Election, monkeypatch: pytest.MonkeyPatch) -> Script:
    """Sign-in through the dev IdP, casts (valid, invalid, ineligible, a revote, a taken receipt), a refused
    sign-in callback, a forced 500 whose failing statement carries the ballot's values, and a logout."""
    person, neighbour = BY_ID["aino"], BY_ID["matti"]
    app.state.cast_rate_per_minute = 1000
    ballot = f"/budgets/{election.budgets['hyryla']}/ballot"
    theme = f"/budgets/{election.budgets['luonto-ja-liikunta']}/ballot"
    async with httpx.AsyncClient(transport=asgi_transport(app, raise_app_exceptions=False),
                                 base_url="https://pb.test") as browser:
        signed_in = (await dev_login(browser, person.id)).json()
        token = signed_in["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        body = {"selections": ["A", "C"], "config_hash": election.config_hash, "nonce": NONCE}
        cast = await browser.post(ballot, json=body, headers={**bearer, "Idempotency-Key": "s2-key-1"})
        revote = await browser.post(ballot, json={**body, "selections": ["B"], "nonce": None}, headers=bearer)
        invalid = await browser.post(ballot, json={**body, "selections": ["ZZ-unknown"]}, headers=bearer)
        ineligible = await browser.post(f"/budgets/{election.budgets['jokela']}/ballot",
                                        json={**body, "nonce": None}, headers=bearer)
        theme_cast = await browser.post(theme, json={**body, "nonce": THEME_NONCE}, headers=bearer)
        other = (await dev_login(browser, neighbour.id)).json()
        # Another resident's identical ballot with the same nonce: the same receipt, refused (first-cast path).
        clash = await browser.post(theme, json={**body, "nonce": THEME_NONCE},
                                   headers={"Authorization": f"Bearer {other['token']}"})
        await browser.get("/auth/me", headers=bearer)
        await browser.get(f"/auth/callback?code=s2-secret-code&state={token[:20]}")

        def failing_upserts(dialect: str) -> tuple[Any, Any]:
            # A fault inside the cast: the database refuses a statement that carries the ballot's values.
            participation, _ = original(dialect)
            return participation, text(
                "INSERT INTO no_such_table (id, budget_id, config_hash, selections, receipt) "
                "VALUES (:id, :budget_id, :config_hash, :selections, :receipt)")

        def failing_first_cast(*, windowed: bool) -> Any:
            # The same fault on PostgreSQL's one-statement first cast.
            return text(
                "INSERT INTO no_such_table (id, budget_id, config_hash, selections, receipt) "
                "VALUES (:ballot_id, :budget_id, :config_hash, :selections, :receipt)")

        original = service._upserts
        monkeypatch.setattr(service, "_upserts", failing_upserts)
        monkeypatch.setattr(first_cast, "_statement", failing_first_cast)
        forced = await browser.post(theme, json={**body, "selections": ["D", "B"], "nonce": None}, headers=bearer)
        monkeypatch.undo()
        await browser.post("/auth/logout", headers={"X-CSRF-Token": signed_in["csrf_token"]})

    statuses = (cast.status_code, revote.status_code, invalid.status_code, ineligible.status_code,
                theme_cast.status_code, clash.status_code, forced.status_code)
    assert statuses == (201, 201, 422, 403, 201, 409, 500), statuses
    assert clash.json()["code"] == "receipt_reused"
    assert forced.json()["detail"] == "the server could not complete the request"
    secrets = {
        "national id": person.national_id, "name": person.name, "subject": person.subject, "token": token,
        "other national id": neighbour.national_id, "other name": neighbour.name, "other token": other["token"],
        "csrf": signed_in["csrf_token"], "session": signed_in.get("session_id") or token,
        "receipt": cast.json()["receipt"], "revote receipt": revote.json()["receipt"], "nonce": NONCE,
        "revote nonce": revote.json()["nonce"], "theme receipt": theme_cast.json()["receipt"],
        "theme nonce": THEME_NONCE, "idempotency key": "s2-key-1", "sign-in code": "s2-secret-code",
        "selection": '"A", "C"', "selection list": "['A', 'C']", "forced selection": '["D", "B"]',
        "forced selection list": "['D', 'B']", "unknown code": "ZZ-unknown",
    }
    return Script({what: value for what, value in secrets.items() if value}, election.config_hash)


def _assert_clean(text: str, script: Script) -> None:
    assert not HETU.search(text), HETU.search(text)
    leaked = {what: value for what, value in script.secrets.items() if value in text}
    assert leaked == {}, leaked
    assert not re.search(r"\b[0-9a-f]{64}\b", text.replace(script.config_hash, "")), "no voter key or receipt"


async def test_a_scripted_election_logs_no_identity_token_voter_key_receipt_or_selection(
    app: Litestar, election: Election, capture: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = await _scripted_election(app, election, monkeypatch)

    logged = capture.text()
    assert re.search(r"unhandled (ProgrammingError|OperationalError|DBAPIError)", logged), "the 500 was logged"
    _assert_clean(logged, script)
