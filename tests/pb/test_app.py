"""The service as a whole: health, the OpenAPI document, problem details, headers, body limits."""

from __future__ import annotations

import logging
import threading

import httpx

from pb.app import create_app
from pb.core.models import Role
from pb.core.settings import Settings
from tests.conftest import Tokens
from tests.factories import DemoWorld


async def test_health_reports_the_database(client: httpx.AsyncClient, world: DemoWorld) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_openapi_document_lists_the_api(client: httpx.AsyncClient, world: DemoWorld) -> None:
    document = (await client.get("/schema/openapi.json")).json()

    assert {"/rounds", "/rounds/{round_id}/transitions", "/budgets/{budget_id}"} <= set(document["paths"])


async def test_responses_carry_protective_headers(client: httpx.AsyncClient, world: DemoWorld) -> None:
    response = await client.get("/rounds")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_malformed_json_is_a_problem_not_a_crash(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(
        "/rounds", content=b'{"slug": ', headers={**official, "content-type": "application/json"}
    )

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_malformed_json_from_an_anonymous_caller_is_unauthorized(
    client: httpx.AsyncClient, world: DemoWorld
) -> None:
    response = await client.post("/rounds", content=b'{"slug": ', headers={"content-type": "application/json"})

    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_oversized_body_is_413(client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens) -> None:
    # From a caller who may use the endpoint: anyone else is refused before the body is read at all.
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    response = await client.post(
        "/rounds", content=b"[" + b"1," * 300_000 + b"1]", headers={**official, "content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_building_many_apps_leaves_no_log_threads_behind(settings: Settings) -> None:
    # Every app configures logging, which starts a queue-listener thread; the one it replaces must stop.
    create_app(settings, run_scheduler=False)
    before = threading.active_count()

    for _ in range(5):
        create_app(settings, run_scheduler=False)

    assert threading.active_count() == before
    logging.getLogger("pb.test").warning("still logging after reconfiguration")
