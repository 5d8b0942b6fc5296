"""The cast at the HTTP edge, on both backends: the body decoded as strictly as BallotCast says, only as JSON,
the rate limit per session, and what an official's token is told."""

from __future__ import annotations

import json

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from pb.http.request_body import MAX_DEPTH
from tests.conftest import Tokens
from tests.factories import DemoWorld
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, counts


@pytest.mark.parametrize(("selections", "field", "message"), [
    ({"A": "5"}, "selections.points.A", "Input should be a valid integer"),
    ({"A": True}, "selections.points.A", "Input should be a valid integer"),
    ({"A": 1.5}, "selections.points.A", "Input should be a valid integer"),
    ({"A": 2.0}, "selections.points.A", "Input should be a valid integer"),
    (["A", 3], "selections.codes.1", "Input should be a valid string"),
    (5, "selections", "Input should be a list of project codes or an object of points by project code"),
])
async def test_loosely_typed_selections_are_refused_with_what_is_wrong(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn,
    selections: object, field: str, message: str,
) -> None:
    resident = await sign_in()
    response = await cast(client, election, "kunta", selections, resident)
    assert response.status_code == 422, response.text
    assert (response.json()["field"], response.json()["detail"]) == (field, f"{field}: {message}")
    assert await counts(engine, election.budgets["kunta"]) == (0, 0)


async def test_integer_points_are_still_accepted(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    response = await cast(client, election, "kunta", {"A": 5, "B": 2}, await sign_in())
    assert response.status_code == 201, response.text
    assert response.json()["ballot"]["selections"] == {"A": 5, "B": 2}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_cast_not_sent_as_json_is_a_415_and_stores_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn, content_type: str | None
) -> None:
    headers = await sign_in()
    if content_type is not None:
        headers["content-type"] = content_type
    body = json.dumps({"selections": {"A": 2}, "config_hash": election.config_hash}).encode()
    response = await client.post(f"/budgets/{election.budgets['kunta']}/ballot", content=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert await counts(engine, election.budgets["kunta"]) == (0, 0)


async def test_an_empty_cast_says_a_json_body_is_needed(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    response = await client.post(f"/budgets/{election.budgets['kunta']}/ballot", headers=await sign_in())
    assert response.status_code == 400
    assert response.json()["detail"] == "the request needs a JSON body (Content-Type: application/json)"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 20_000])
async def test_a_deeply_nested_cast_is_a_400(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn, depth: int
) -> None:
    headers = {**await sign_in(), "content-type": "application/json"}
    body = '{"selections":' + "[" * depth + "]" * depth + f', "config_hash": "{election.config_hash}"}}'
    response = await client.post(f"/budgets/{election.budgets['hyryla']}/ballot", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == f"the JSON body nests deeper than {MAX_DEPTH} levels"


async def test_a_cast_to_a_budget_id_beyond_range_is_a_422(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    body = {"selections": ["A"], "config_hash": election.config_hash}
    response = await client.post(f"/budgets/{2**64}/ballot", json=body, headers=await sign_in())
    assert (response.status_code, response.json()["field"]) == (422, "budget_id")


async def test_the_cast_rate_limit_keys_on_the_session_however_the_header_is_written(
    app: Litestar, client: httpx.AsyncClient, election: Election, sign_in: SignIn
) -> None:
    app.state.cast_rate_per_minute = 3
    token = (await sign_in())["Authorization"].removeprefix("Bearer ")
    spellings = [f"Bearer {token}", f"Bearer  {token}", f"bearer {token}", f"BEARER{' ' * 7}{token}  "]

    statuses = [(await cast(client, election, "hyryla", ["A"], {"Authorization": h})).status_code for h in spellings]

    assert statuses == [201, 201, 201, 429]
    other = await cast(client, election, "hyryla", ["A"], await sign_in())
    assert other.status_code == 201, "another session has its own allowance"


async def test_requests_without_a_valid_session_are_limited_by_address(
    app: Litestar, client: httpx.AsyncClient, election: Election
) -> None:
    app.state.cast_rate_per_minute = 2
    forged = [{"Authorization": f"Bearer not-a-token-{n}"} for n in range(3)]

    statuses = [(await cast(client, election, "hyryla", ["A"], h)).status_code for h in forged]

    assert statuses == [401, 401, 429]


async def test_an_officials_token_on_resident_endpoints_is_told_they_need_a_resident_session(
    client: httpx.AsyncClient, election: Election, tokens: Tokens, world: DemoWorld
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    casting = await cast(client, election, "hyryla", ["A"], official)
    mine = await client.get(f"/rounds/{election.round_id}/my-budgets", headers=official)

    for response in (casting, mine):
        assert (response.status_code, response.json()["detail"]) == (
            401, "this endpoint needs a resident's session (sign in at /auth/login); an API token is not one"
        )
    forged = await cast(client, election, "hyryla", ["A"], {"Authorization": "Bearer not-a-token"})
    assert (forged.status_code, forged.json()["detail"]) == (401, "invalid token")
