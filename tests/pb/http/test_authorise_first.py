"""Authorise before the body is read: a caller who may not use an endpoint gets 401 or 403 whatever the body
holds (malformed, invalid or valid), on both databases; a caller who may use it gets the body judged."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld

MALFORMED = b'{"slug": '
INVALID = b'{"unknown": 1}'

Path = Callable[[DemoWorld], str]
ENDPOINTS: list[tuple[str, str, Path, frozenset[Role]]] = [
    ("create-round", "POST", lambda w: "/rounds", frozenset({Role.ADMIN, Role.OFFICIAL})),
    ("update-round", "PATCH", lambda w: f"/rounds/{w.round_id}", frozenset({Role.ADMIN, Role.OFFICIAL})),
    ("move-round", "POST", lambda w: f"/rounds/{w.round_id}/transitions", frozenset({Role.ADMIN, Role.OFFICIAL})),
    ("create-budget", "POST", lambda w: f"/rounds/{w.round_id}/budgets", frozenset({Role.ADMIN, Role.OFFICIAL})),
    ("update-budget", "PATCH", lambda w: f"/budgets/{w.budget_ids['hyryla']}",
     frozenset({Role.ADMIN, Role.OFFICIAL})),
    ("update-network", "PATCH", lambda w: f"/networks/{w.network_ids['hyryla']}",
     frozenset({Role.ADMIN, Role.OFFICIAL, Role.COORDINATOR})),
    ("create-municipality", "POST", lambda w: "/municipalities", frozenset({Role.ADMIN})),
]
CALLERS = [Role.ADMIN, Role.OFFICIAL, Role.COORDINATOR, Role.RESEARCHER, Role.AUDITOR, Role.RESIDENT]


async def headers_for(tokens: Tokens, world: DemoWorld, role: Role) -> dict[str, str]:
    scope: dict[str, int | None] = {}
    if role in (Role.OFFICIAL, Role.COORDINATOR):
        scope["municipality_id"] = world.municipality_id
    if role is Role.COORDINATOR:
        scope["network_id"] = world.network_ids["hyryla"]
    return await tokens.headers(role, **scope)


@pytest.mark.parametrize("body", [MALFORMED, INVALID], ids=["malformed", "invalid"])
@pytest.mark.parametrize(("name", "method", "path", "allowed"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
async def test_only_the_roles_an_endpoint_serves_have_its_body_judged(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld,
    name: str, method: str, path: Path, allowed: frozenset[Role], body: bytes,
) -> None:
    anonymous = await client.request(method, path(world), content=body, headers={"content-type": "application/json"})
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    for role in CALLERS:
        headers = {**await headers_for(tokens, world, role), "content-type": "application/json"}
        answer = await client.request(method, path(world), content=body, headers=headers)
        if role in allowed:
            # Judged: malformed JSON is 400, a body that breaks the schema 422 (naming what is wrong).
            assert answer.status_code == (400 if body == MALFORMED else 422), f"{role}: {answer.text}"
        else:
            assert answer.status_code == 403, f"{role}: {answer.text}"
            assert answer.json()["code"] == "forbidden"
            assert "slug" not in answer.text and "unknown" not in answer.text  # nothing about the body


async def test_a_revoked_or_forged_token_is_401_before_the_body(
    client: httpx.AsyncClient, world: DemoWorld
) -> None:
    forged = {"authorization": "Bearer not.a.token", "content-type": "application/json"}

    answer = await client.post("/rounds", content=MALFORMED, headers=forged)

    assert answer.status_code == 401, answer.text
