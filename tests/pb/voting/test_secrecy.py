"""Secrecy checks S1, S3 and B4: nothing in the schema, the dump or the API links a ballot to a person."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.auth.identity import IdentityClaims, person_key
from pb.core.settings import DEVELOPMENT_VOTER_KEY_SECRET, Settings
from pb.voting.keys import VotingKeys
from tests.conftest import TEST_SECRET, Clock
from tests.pb.auth.helpers import hetu
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, close_voting

HETU = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")
LINKING = {"voter_key", "person_key", "national_id", "hetu", "sub", "subject", "session_id", "name",
           "display_name", "birth_date", "postal_code"}
CONTENT = {"selections", "receipt", "ballots", "ballot"}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """S3 runs with the master secret only in the secret store: a random one, not the development default."""
    return Settings(env="test", database_url=database_url, secret_key=TEST_SECRET,
                    voter_key_secret=SecretStr(secrets.token_urlsafe(48)))


def _schema(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        table: {
            "columns": {c["name"]: c for c in inspector.get_columns(table)},
            "fks": inspector.get_foreign_keys(table),
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": inspector.get_indexes(table),
        }
        for table in ("participation", "ballot")
    }


async def test_participation_and_ballot_tables_share_no_link_and_ballots_have_no_time_or_sequence(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        schema = await connection.run_sync(_schema)

    participation, ballot = schema["participation"], schema["ballot"]
    shared = set(participation["columns"]) & set(ballot["columns"])
    assert shared == {"budget_id"}, "only the public budget id, which many rows share, appears in both"
    assert [fk["referred_table"] for fk in ballot["fks"]] == ["budget"]
    assert [fk["referred_table"] for fk in participation["fks"]] == ["budget"]
    assert ballot["pk"] == ["id"]
    assert participation["pk"] == ["budget_id", "voter_key"]
    for column in ballot["columns"].values():
        assert "time" not in str(column["type"]).lower() and "date" not in str(column["type"]).lower()
        assert "nextval" not in str(column.get("default") or "")
    assert "UUID" in str(ballot["columns"]["id"]["type"]).upper() or "CHAR" in str(ballot["columns"]["id"]["type"])
    assert not any(name.endswith("_at") or "seq" in name for name in ballot["columns"])
    assert not any(name.endswith("_at") or "seq" in name for name in participation["columns"])


async def test_board_order_is_receipt_order_and_close_rewrites_ballots_in_random_order(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn,
    backend: str,
) -> None:
    receipts = []
    for _ in range(12):
        response = await cast(client, election, "luonto-ja-liikunta", ["A"], await sign_in())
        assert response.status_code == 201, response.text
        receipts.append(response.json()["receipt"])
        clock.advance(seconds=7)

    await close_voting(engine, clock, election)

    board = (await client.get(f"/budgets/{election.budgets['luonto-ja-liikunta']}/board")).json()
    assert [b["receipt"] for b in board["ballots"]] == sorted(receipts)
    assert not any(set(entry) - {"receipt", "selections"} for entry in board["ballots"])
    async with engine.connect() as connection:
        stored = [r[0] for r in (await connection.execute(text("SELECT receipt FROM ballot"))).all()]
        if backend == "postgresql":
            xmins = {r[0] for r in (await connection.execute(text("SELECT xmin::text FROM ballot"))).all()}
            assert len(xmins) == 1, "every ballot row is rewritten by the closing transaction"
    assert sorted(stored) == sorted(receipts)
    assert stored != receipts, "physical order no longer follows cast order"


def _hetus_of(birth_date: date) -> list[str]:
    """Every personal identity code of one birth date: individual numbers 002-999, with their check characters."""
    return [hetu(birth_date, number) for number in range(2, 1000)]


def _person_key_of(national_id: str, *, master: bytes) -> str:
    """A person key as pb derives it at sign-in (stored with each session)."""
    claims = IdentityClaims(issuer="https://any.idp", subject="any", national_id=national_id, birth_date=None,
                            municipality_code=None, postal_code=None, acr=None, name=None)
    return person_key(claims, master=master)


def _voter_key_of(national_id: str, *, master: bytes, round_id: int) -> str:
    """A voter key as pb derives it: the round's key over the person key."""
    return VotingKeys(master).voter_key(round_id, _person_key_of(national_id, master=master))


async def test_a_database_copy_holds_no_identity_and_voter_keys_need_the_master_secret(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, election: Election, sign_in: SignIn,
) -> None:
    born = date(1980, 1, 1)
    national_id = hetu(born, 901)
    resident = await sign_in(national_id=national_id, birth_date=born)
    assert (await cast(client, election, "hyryla", ["A"], resident)).status_code == 201

    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT voter_key, sealed_ballot FROM participation"))).all()
        ballots = (await connection.execute(text("SELECT * FROM ballot"))).all()
        sessions = (await connection.execute(text("SELECT person_key FROM resident_session"))).all()
    dump = json.dumps([list(map(str, r)) for r in [*rows, *ballots, *sessions]])
    assert not HETU.search(dump)
    assert "Testi" not in dump
    [(voter_key, _)] = rows
    person_keys = {row[0] for row in sessions}
    candidates = _hetus_of(born)

    def linked(master: bytes) -> list[str]:
        """The codes of the day whose derived person key or voter key is in the copy."""
        return [c for c in candidates if _person_key_of(c, master=master) in person_keys
                or _voter_key_of(c, master=master, round_id=election.round_id) == voter_key]

    # Positive control: holding the master, the derivation finds the one voter among every code of the day.
    master = settings.voter_key_master
    assert linked(master) == [national_id]
    # An attacker with the database but not the master: an empty key, the development default, another
    # deployment's master or the round number alone link nobody.
    for guess in (b"", DEVELOPMENT_VOTER_KEY_SECRET.encode(), secrets.token_bytes(32), str(election.round_id).encode()):
        assert guess != master
        assert linked(guess) == []
    # Nor do plain hashes of the code.
    plain = {hashlib.sha256(f"{prefix}{c}".encode()).hexdigest() for c in candidates for prefix in ("", "FI-HETU:")}
    assert not plain & (person_keys | {voter_key})


def test_voter_keys_of_one_person_differ_across_rounds_and_masters() -> None:
    keys = VotingKeys(b"m" * 32)

    assert keys.voter_key(1, "person") == keys.voter_key(1, "person")
    assert keys.voter_key(1, "person") != keys.voter_key(2, "person")
    assert keys.voter_key(1, "person") != VotingKeys(b"n" * 32).voter_key(1, "person")


def _walk(schema: Any, components: dict[str, Any], seen: set[str]) -> set[str]:
    """Every property name reachable from a response schema."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return set()
            return _walk(components.get(name, {}), components, seen | {name})
        names = set(schema.get("properties", {}))
        for value in schema.values():
            names |= _walk(value, components, seen)
        return names
    if isinstance(schema, list):
        return set().union(*(_walk(item, components, seen) for item in schema)) if schema else set()
    return set()


async def test_no_response_carries_identity_together_with_ballot_content(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    components = spec.get("components", {}).get("schemas", {})

    offenders = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    names = {n.lower() for n in _walk(media.get("schema", {}), components, set())}
                    if names & CONTENT and names & LINKING:
                        offenders.append((method, path, sorted(names & LINKING)))
    assert offenders == []
    assert any(path.endswith("/ballot") for path in spec["paths"])
