"""Bad input at the edge: deep JSON, numbers beyond the columns' range, bodies of the wrong media type or none,
and loosely typed numbers, each a 4xx problem detail on both databases, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pb.core.models import Role
from pb.core.schemas import MAX_ID
from pb.http.request_body import MAX_DEPTH
from tests.conftest import Tokens
from tests.factories import DemoWorld

PROBLEM = "application/problem+json"
BEYOND = [MAX_ID + 1, 2**40, 2**64, 10**30]
"""Above PostgreSQL's integer (DataError), SQLite's 64 bits (OverflowError), and far beyond."""


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


async def official(tokens: Tokens, world: DemoWorld) -> dict[str, str]:
    return await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)


def round_body(world: DemoWorld, **extra: Any) -> dict[str, Any]:
    return {"municipality_id": world.municipality_id, "slug": "kierros-2028", "year": 2028,
            "name": {"fi": "Kierros 2028"}, **extra}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 20_000])
async def test_deeply_nested_json_is_a_400_not_a_recursion_error(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, depth: int
) -> None:
    headers = {**await official(tokens, world), "content-type": "application/json"}
    response = await client.post("/rounds", content=nested(depth), headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"] == f"the JSON body nests deeper than {MAX_DEPTH} levels"


async def test_json_nested_within_the_limit_is_judged_on_its_content(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    body = round_body(world, name={"fi": "Kierros"}, x=json.loads(nested(MAX_DEPTH - 2)))
    response = await client.post("/rounds", json=body, headers=await official(tokens, world))
    assert (response.status_code, response.json()["field"]) == (422, "x")


@pytest.mark.parametrize("number", BEYOND)
@pytest.mark.parametrize("path", ["/rounds/{n}", "/budgets/{n}/results", "/networks/{n}", "/budgets/{n}/board"])
async def test_an_id_beyond_the_columns_range_in_a_path_is_a_422_naming_it(
    client: httpx.AsyncClient, path: str, number: int
) -> None:
    response = await client.get(path.format(n=number))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["field"] in {"round_id", "budget_id", "network_id"}


async def test_the_largest_id_in_a_path_is_simply_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/rounds/{MAX_ID}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("number", BEYOND)
async def test_an_id_or_offset_beyond_range_in_a_query_is_a_422_naming_it(
    client: httpx.AsyncClient, tokens: Tokens, number: int
) -> None:
    auditor = await tokens.headers(Role.AUDITOR)
    for url, field in [(f"/proposals?round_id={number}", "round_id"), (f"/proposals?offset={number}", "offset"),
                       (f"/rounds?municipality_id={number}", "municipality_id"),
                       (f"/audit/cast-events?budget_id={number}", "budget_id"), (f"/audit?offset={number}", "offset")]:
        response = await client.get(url, headers=auditor)
        assert (response.status_code, response.json().get("field")) == (422, field), (url, response.text)


@pytest.mark.parametrize("number", BEYOND)
async def test_an_id_beyond_range_in_a_body_is_a_422_naming_it(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, number: int
) -> None:
    response = await client.post(
        f"/rounds/{world.round_id}/budgets", headers=await official(tokens, world),
        json={"slug": "x", "name": {"fi": "X"}, "amount": 1000, "network_id": number},
    )
    assert (response.status_code, response.json()["field"]) == (422, "network_id"), response.text
    created = await client.post("/rounds", json=round_body(world, municipality_id=number),
                                headers=await official(tokens, world))
    assert (created.status_code, created.json()["field"]) == (422, "municipality_id"), created.text


@pytest.mark.parametrize(("field", "value"), [("amount", "1000"), ("amount", 1000.0), ("amount", True),
                                              ("network_id", "1"), ("amount", 10**30)])
async def test_money_and_ids_must_be_json_integers_in_range(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, field: str, value: object
) -> None:
    body: dict[str, Any] = {"slug": "x", "name": {"fi": "X"}, "amount": 1000, field: value}
    response = await client.post(f"/rounds/{world.round_id}/budgets", json=body, headers=await official(tokens, world))
    assert (response.status_code, response.json()["field"]) == (422, field), response.text


async def test_a_round_year_given_as_a_string_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    response = await client.post("/rounds", json=round_body(world, year="2028"), headers=await official(tokens, world))
    assert (response.status_code, response.json()["field"]) == (422, "year")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "text/json"])
async def test_a_json_body_sent_as_another_media_type_is_a_415(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, content_type: str | None
) -> None:
    headers = await official(tokens, world)
    if content_type is not None:
        headers["content-type"] = content_type
    response = await client.post("/rounds", content=json.dumps(round_body(world)).encode(), headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/problem+json"])
async def test_json_media_types_with_parameters_or_suffixes_are_read(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, content_type: str
) -> None:
    headers = {**await official(tokens, world), "content-type": content_type}
    response = await client.post("/rounds", content=json.dumps(round_body(world)).encode(), headers=headers)
    assert response.status_code == 201, response.text


async def test_a_missing_body_says_that_a_json_body_is_needed(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    response = await client.post("/rounds", headers=await official(tokens, world))
    assert response.status_code == 400
    assert response.json()["detail"] == "the request needs a JSON body (Content-Type: application/json)"
