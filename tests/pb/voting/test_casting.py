"""Casting ballots over HTTP: eligibility, validation, phases, idempotency and revoting, on both backends."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import AuditEvent, CastEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role, RoundPhase
from pb.core.settings import Settings
from pb.voting.cache import VotingCache
from pb.voting.errors import VotingClosed
from pb.voting.keys import VotingKeys
from pb.voting.prepared import CastRequest
from pb.voting.schemas import BallotCast
from pb.voting.service import cast_ballot
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.auth import helpers as auth_helpers
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, close_voting, counts, open_voting

NONCE = "client-chosen-nonce-0123456789"


def client_receipt(nonce: str, budget_id: int, config_hash: str, selections: object) -> str:
    """What a voter's browser computes, written from docs/security.md, not from pb's code."""
    canonical = json.dumps({"budget_id": budget_id, "config_hash": config_hash, "selections": selections},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((nonce + canonical).encode()).hexdigest()


async def test_resident_sees_budgets_casts_changes_and_finds_the_receipt_on_the_board_after_close(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn,
    tokens: object,
) -> None:
    resident = await sign_in()

    mine = (await client.get(f"/rounds/{election.round_id}/my-budgets", headers=resident)).json()
    by_slug = {b["slug"]: b for b in mine}
    assert by_slug["hyryla"]["eligible"] is True
    assert by_slug["jokela"] == {**by_slug["jokela"], "eligible": False, "reason": "outside-area"}
    assert by_slug["luonto-ja-liikunta"]["eligible"] is True
    assert not any(b["voted"] for b in mine)

    first = await cast(client, election, "hyryla", ["B", "A"], resident, nonce=NONCE)
    assert first.status_code == 201, first.text
    hyryla = election.budgets["hyryla"]
    assert first.json()["receipt"] == client_receipt(NONCE, hyryla, election.config_hash, ["A", "B"])
    assert first.json()["ballot"]["selections"] == ["A", "B"]
    changed = await cast(client, election, "hyryla", ["B", "C"], resident, nonce=NONCE + "x")
    assert changed.status_code == 201, changed.text
    receipt = changed.json()["receipt"]
    assert receipt == client_receipt(NONCE + "x", hyryla, election.config_hash, ["B", "C"])
    assert await counts(engine, hyryla) == (1, 1)
    mine = (await client.get(f"/rounds/{election.round_id}/my-budgets", headers=resident)).json()
    assert [b["slug"] for b in mine if b["voted"]] == ["hyryla"]
    assert (await client.get(f"/board/receipts/{receipt}")).status_code == 404

    await close_voting(engine, clock, election)

    board = (await client.get(f"/budgets/{hyryla}/board")).json()
    assert board["ballots"] == [{"receipt": receipt, "selections": ["B", "C"]}]
    assert board["set_hash"] == hashlib.sha256(
        f"{receipt}:{json.dumps({'budget_id': hyryla, 'config_hash': election.config_hash, 'selections': ['B', 'C']}, separators=(',', ':'), sort_keys=True)}\n".encode()  # noqa: E501
    ).hexdigest()
    found = await client.get(f"/board/receipts/{receipt}")
    assert found.json() == {"receipt": receipt, "ballot": {
        "budget_id": hyryla, "config_hash": election.config_hash, "selections": ["B", "C"]}}
    old = await client.get(f"/board/receipts/{first.json()['receipt']}")
    assert old.status_code == 404
    late = await cast(client, election, "hyryla", ["A"], resident)
    assert late.status_code == 409
    assert late.json()["code"] == "voting_closed"


INELIGIBLE: list[tuple[dict[str, date | str], str, str]] = [
    ({"birth_date": date(2012, 10, 1)}, "luonto-ja-liikunta", "too-young"),
    ({"municipality_code": "186"}, "luonto-ja-liikunta", "other-municipality"),
    ({"postal_code": "05400"}, "hyryla", "outside-area"),
]


async def test_ineligible_resident_is_refused_with_the_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    for claims, budget, reason in INELIGIBLE:
        resident = await sign_in(**claims)

        refused = await cast(client, election, budget, ["A"], resident)

        assert refused.status_code == 403, reason
        assert (refused.json()["code"], refused.json()["reason"]) == ("not_eligible", reason)
        assert await counts(engine) == (0, 0)
        mine = {b["slug"]: b for b in (await client.get(f"/rounds/{election.round_id}/my-budgets",
                                                        headers=resident)).json()}
        assert (mine[budget]["eligible"], mine[budget]["reason"]) == (False, reason)


async def test_a_resident_who_turns_fifteen_on_the_last_voting_day_may_vote(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    resident = await sign_in(birth_date=date(2012, 9, 30))

    assert (await cast(client, election, "luonto-ja-liikunta", ["A"], resident)).status_code == 201


INVALID = [
    ("hyryla", ["A", "B", "C"], "over-cost-cap"),
    ("hyryla", ["A", "A"], "duplicate-project"),
    ("hyryla", ["Z"], "unknown-project"),
    ("luonto-ja-liikunta", ["A", "B", "C", "D"], "too-many"),
    ("kunta", {"A": 6}, "points-out-of-range"),
    ("kunta", {"A": 0}, "points-out-of-range"),
    ("kunta", {"A": 5, "B": 5, "C": 1}, "too-many-points"),
    ("kunta", ["A"], "wrong-shape"),
    ("ranked", {"A": 1}, "wrong-shape"),
    ("ranked", ["A", "B", "C", "D"], "too-many"),
]
MALFORMED: list[dict[str, object]] = [
    {"selections": ["A"], "weight": 2},
    {"selections": ["A"], "voter_id": "x"},
    {"selections": ["A"], "cost": 1},
    {"selections": [1.5]},
    {"selections": {"A": 1.5}},
    {"selections": ["A"] * 1001},
    {"selections": "A"},
    {"selections": ["A\u0000"]},
]


async def test_invalid_ballot_is_refused_with_the_exact_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    resident = await sign_in()
    for budget, selections, reason in INVALID:
        refused = await cast(client, election, budget, selections, resident)

        assert refused.status_code == 422, refused.text
        assert (refused.json()["code"], refused.json()["reason"], refused.json()["field"]) == (
            "invalid_ballot", reason, "selections")
        assert await counts(engine) == (0, 0)


async def test_malformed_body_is_422_and_stores_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    resident = await sign_in()
    for body in MALFORMED:
        response = await client.post(f"/budgets/{election.budgets['kunta']}/ballot",
                                     json={"config_hash": election.config_hash, **body}, headers=resident)

        assert response.status_code == 422, body
        assert await counts(engine) == (0, 0)


async def test_oversized_body_is_413(client: httpx.AsyncClient, election: Election, sign_in: SignIn) -> None:
    body = json.dumps({"selections": ["A" * 32] * 40_000, "config_hash": election.config_hash})

    response = await client.post(f"/budgets/{election.budgets['hyryla']}/ballot", content=body,
                                 headers={**await sign_in(), "content-type": "application/json"})

    assert response.status_code == 413


async def test_ballot_made_for_another_configuration_is_409(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    response = await client.post(f"/budgets/{election.budgets['hyryla']}/ballot",
                                 json={"selections": ["A"], "config_hash": "f" * 64}, headers=await sign_in())

    assert (response.status_code, response.json()["code"]) == (409, "stale_config")
    assert await counts(engine) == (0, 0)


async def test_casting_before_voting_opens_is_409(
    client: httpx.AsyncClient, engine: AsyncEngine, world: DemoWorld, sign_in: SignIn
) -> None:
    response = await client.post(f"/budgets/{world.budget_ids['hyryla']}/ballot",
                                 json={"selections": ["A"], "config_hash": "0" * 64}, headers=await sign_in())

    assert (response.status_code, response.json()["code"]) == (409, "voting_closed")


async def _database_now(engine: AsyncEngine) -> datetime:
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return (await connection.execute(text("SELECT now()"))).scalar_one()  # type: ignore[no-any-return]
        raw = (await connection.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"))).scalar_one()
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)


async def test_the_voting_window_is_judged_by_the_database_clock_not_the_app_clock(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, world: DemoWorld, sign_in: SignIn
) -> None:
    """C4: a cast 1 s before the close is accepted with the app clock 5 min ahead (past the close by its
    reckoning), and a cast 1 s after it is refused with the app clock 5 min behind."""
    closes = await _database_now(engine) + timedelta(seconds=4)
    async with engine.begin() as connection:
        await connection.execute(
            update(RoundPhase).where(col(RoundPhase.round_id) == world.round_id, col(RoundPhase.phase) == "voting")
            .values(starts_at=closes - timedelta(hours=1), ends_at=closes))
    clock.now = closes - timedelta(hours=1)
    election = await open_voting(engine, clock, world)

    async def at(moment: datetime, skew: timedelta) -> httpx.Response:
        await asyncio.sleep(max(0.0, (moment - await _database_now(engine)).total_seconds()))
        clock.now = datetime.now(UTC) + skew
        return await cast(client, election, "luonto-ja-liikunta", ["A"], await sign_in())

    before = await at(closes - timedelta(seconds=1), timedelta(minutes=5))
    after = await at(closes + timedelta(seconds=1), -timedelta(minutes=5))

    assert before.status_code == 201, before.json()
    assert (after.status_code, after.json()["code"]) == (409, "voting_closed")
    assert await counts(engine, election.budgets["luonto-ja-liikunta"]) == (1, 1)


async def test_a_past_round_s_cast_replayed_at_its_own_moment_is_judged_then_and_a_request_by_the_database_clock(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, clock: Clock, world: DemoWorld,
    sign_in: SignIn,
) -> None:
    """The demo loads last year's ballots at the moments they were cast (``window_at``); a request that comes
    now, whatever the app clock says, meets the database's clock and the closed window."""
    closed_at = await _database_now(engine) - timedelta(days=300)
    async with engine.begin() as connection:
        await connection.execute(
            update(RoundPhase).where(col(RoundPhase.round_id) == world.round_id, col(RoundPhase.phase) == "voting")
            .values(starts_at=closed_at - timedelta(days=20), ends_at=closed_at))
    clock.now = closed_at - timedelta(days=10)
    election = await open_voting(engine, clock, world)
    moment = clock.advance(days=9)  # a day before the close, by the app's clock too
    token, resident = await auth_helpers.sign_in(engine, settings, clock)
    request = CastRequest(election.budgets["hyryla"], resident.session_id,
                          BallotCast(selections=["A"], config_hash=election.config_hash), None, moment)

    async def replay(at: datetime | None) -> str | None:
        async with create_sessionmaker(engine)() as session, session.begin():
            try:
                await cast_ballot(session, request, keys=VotingKeys(settings.voter_key_master), cache=VotingCache(),
                                  window_at=at)
            except VotingClosed as refused:
                return refused.code
        return None

    assert await replay(None) == "voting_closed"
    assert await replay(closed_at) == "voting_closed"
    assert await replay(moment) is None
    by_request = await cast(client, election, "hyryla", ["B"], {"Authorization": f"Bearer {token}"})
    assert (by_request.status_code, by_request.json()["code"]) == (409, "voting_closed")
    assert await counts(engine, election.budgets["hyryla"]) == (1, 1)


async def test_retry_with_the_same_idempotency_key_returns_the_same_receipt_and_stores_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    resident = await sign_in()

    first = await cast(client, election, "hyryla", ["A"], resident, idempotency_key="k-1")
    retry = await cast(client, election, "hyryla", ["A"], resident, idempotency_key="k-1")
    other = await cast(client, election, "hyryla", ["B"], resident, idempotency_key="k-1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert await counts(engine) == (1, 1)


async def test_without_revoting_a_second_cast_is_409_and_the_first_ballot_stays(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, world: DemoWorld, sign_in: SignIn
) -> None:
    election = await open_voting(engine, clock, world, allow_revoting=False)
    resident = await sign_in()

    first = await cast(client, election, "hyryla", ["A"], resident, idempotency_key="a")
    second = await cast(client, election, "hyryla", ["B"], resident, idempotency_key="b")
    retry = await cast(client, election, "hyryla", ["A"], resident, idempotency_key="a")

    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (409, "already_voted")
    assert (retry.status_code, retry.json()["receipt"]) == (200, first.json()["receipt"])
    assert await counts(engine) == (1, 1)


async def test_same_person_with_another_e_id_method_is_the_same_voter(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    national_id = "010180-900X"
    bank = await sign_in(national_id=national_id, subject="bank-sub")
    mobile = await sign_in(national_id=national_id, subject="mobile-sub")

    await cast(client, election, "hyryla", ["A"], bank)
    await cast(client, election, "hyryla", ["B"], mobile)

    assert await counts(engine, election.budgets["hyryla"]) == (1, 1)


async def test_a_resident_cannot_read_or_change_another_residents_ballot(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn
) -> None:
    alice, bob = await sign_in(), await sign_in()
    receipt = (await cast(client, election, "hyryla", ["A"], alice)).json()["receipt"]

    peek = await client.get(f"/board/receipts/{receipt}", headers=bob)
    absent = await client.get(f"/board/receipts/{'0' * 64}", headers=bob)
    await cast(client, election, "hyryla", ["D"], bob)
    await close_voting(engine, clock, election)

    assert (peek.status_code, peek.json()["detail"]) == (absent.status_code, absent.json()["detail"])
    assert peek.status_code == 404
    board = (await client.get(f"/budgets/{election.budgets['hyryla']}/board")).json()
    assert {"receipt": receipt, "selections": ["A"]} in board["ballots"]
    assert board["ballot_count"] == 2


async def test_reused_nonce_for_an_identical_ballot_is_409(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    await cast(client, election, "hyryla", ["A"], await sign_in(), nonce=NONCE)

    clash = await cast(client, election, "hyryla", ["A"], await sign_in(), nonce=NONCE)

    assert (clash.status_code, clash.json()["code"]) == (409, "receipt_reused")


async def test_every_cast_and_rejection_is_audited_without_ballot_content_or_voter(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn, tokens: Tokens
) -> None:
    resident = await sign_in()
    await cast(client, election, "hyryla", ["A"], resident, nonce=NONCE)
    await cast(client, election, "hyryla", ["Z"], resident)
    await cast(client, election, "jokela", ["A"], resident)
    await cast(client, election, "hyryla", ["B"], resident)
    anonymous = await cast(client, election, "hyryla", ["A"], {})

    assert anonymous.status_code == 401, "not a resident's cast, so not audited (no log flooding)"
    async with create_sessionmaker(engine)() as session:
        events = (await session.exec(select(CastEvent))).all()
        chained = (await session.exec(
            select(AuditEvent).where(col(AuditEvent.action).startswith("ballot.")))).all()
    assert sorted((e.budget_id, e.action, e.status, e.code) for e in events) == sorted([
        (election.budgets["hyryla"], "cast", 201, None),
        (election.budgets["hyryla"], "rejected", 422, "invalid_ballot"),
        (election.budgets["jokela"], "rejected", 403, "not_eligible"),
        (election.budgets["hyryla"], "revote", 201, None),
    ])
    assert chained == [], "casts stay out of the hash chain: they must not wait for its lock"
    assert {(e.at.second, e.at.microsecond) for e in events} == {(0, 0)}, "minutes only"
    columns = set(CastEvent.model_fields)
    assert columns == {"id", "budget_id", "action", "status", "code", "at"}, "no voter, content or receipt"
    text = json.dumps([[str(e.id), e.action, e.code] for e in events])
    assert all(word not in text for word in ('"A"', '"Z"', NONCE, resident["Authorization"][7:]))

    auditor = await client.get("/audit/cast-events", headers=await tokens.headers(Role.AUDITOR))
    refused = await client.get("/audit/cast-events", headers=resident)
    one_budget = await client.get("/audit/cast-events", params={"budget_id": election.budgets["jokela"]},
                                  headers=await tokens.headers(Role.ADMIN))

    assert auditor.status_code == 200
    assert {(r["budget_id"], r["action"], r["status"], r["code"], r["count"]) for r in auditor.json()} == {
        (e.budget_id, e.action, e.status, e.code, 1) for e in events}
    assert refused.status_code == 403
    assert [(r["action"], r["code"]) for r in one_budget.json()] == [("rejected", "not_eligible")]


async def test_cast_events_are_append_only(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn
) -> None:
    await cast(client, election, "hyryla", ["A"], await sign_in())

    for statement in ("UPDATE cast_event SET code = 'x'", "DELETE FROM cast_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as connection:
                await connection.execute(text(statement))
    async with create_sessionmaker(engine)() as session:
        assert len((await session.exec(select(CastEvent))).all()) == 1


async def test_flooding_casts_gets_429_with_retry_after(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The flood is one instant: on a loaded machine, 30 casts take long enough for the bucket to refill a token.
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    resident = await sign_in()

    statuses = [(await cast(client, election, "hyryla", ["A"], resident)).status_code for _ in range(32)]

    assert statuses[:30] == [201] * 30
    assert statuses[30:] == [429, 429]
    limited = await cast(client, election, "hyryla", ["A"], resident)
    assert int(limited.headers["retry-after"]) >= 1
