"""Authorise before the body is read: a caller who may not use an endpoint gets 401 or 403 whatever the body
holds (malformed, invalid or valid), on both databases; a caller who may use it gets the body judged."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from pb.auth.principal import MANAGERS, NETWORK_STAFF
from pb.core.models import Role
from pb.http.dependencies import ROLES_OPT, provide_principal
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
    # Deliberation's endpoints judge roles before the body too (a resident's review was 422 before 403). The
    # proposal, question, report or deliberation round need not exist: the body is judged before the handler runs.
    ("review-proposal", "POST", lambda w: "/proposals/1/reviews", NETWORK_STAFF),
    ("merge-proposal", "POST", lambda w: "/proposals/1/merge", NETWORK_STAFF),
    ("hide-proposal", "POST", lambda w: "/proposals/1/hide", MANAGERS),
    ("hide-comment", "POST", lambda w: "/comments/1/hide", MANAGERS),
    ("resolve-report", "POST", lambda w: "/reports/1/resolve", MANAGERS),
    ("answer-question", "POST", lambda w: "/questions/1/answers", MANAGERS),
    ("create-deliberation-round", "POST", lambda w: f"/rounds/{w.round_id}/deliberation-rounds", MANAGERS),
    ("update-deliberation-round", "PATCH", lambda w: "/deliberation-rounds/1", MANAGERS),
    ("set-results-policy", "PUT", lambda w: f"/rounds/{w.round_id}/results-policy", MANAGERS),
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


def test_every_endpoint_that_authenticates_its_caller_declares_the_roles_it_serves(app: Litestar) -> None:
    """Without declared roles the guard only authenticates, and a caller of another role has the body judged
    (422 naming the endpoint's fields) before the service's 403: every such handler names its roles."""
    undeclared = sorted(
        f"{sorted(handler.http_methods)} {route.path}"
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if isinstance(handler, HTTPRouteHandler) and "OPTIONS" not in handler.http_methods
        and (provider := handler.resolve_dependencies().get("principal")) is not None
        and provider.dependency is provide_principal
        and not handler.opt.get(ROLES_OPT)
    )
    assert undeclared == []
