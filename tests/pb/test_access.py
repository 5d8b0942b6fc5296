"""Access control on every write endpoint: which roles may call it, each role tried in turn."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld

CALLERS = [
    "anonymous",
    "admin",
    "official",
    "official-elsewhere",
    "coordinator",
    "coordinator-elsewhere",
    "resident",
    "researcher",
    "auditor",
]
MANAGERS = {"admin", "official"}
_unique = itertools.count()


async def caller_headers(caller: str, world: DemoWorld, tokens: Tokens) -> dict[str, str]:
    scopes: dict[str, tuple[Role, dict[str, int]]] = {
        "admin": (Role.ADMIN, {}),
        "official": (Role.OFFICIAL, {"municipality_id": world.municipality_id}),
        "official-elsewhere": (Role.OFFICIAL, {"municipality_id": world.other_municipality_id}),
        "coordinator": (Role.COORDINATOR, {"network_id": world.network_ids["hyryla"]}),
        "coordinator-elsewhere": (Role.COORDINATOR, {"network_id": world.network_ids["jokela"]}),
        "resident": (Role.RESIDENT, {}),
        "researcher": (Role.RESEARCHER, {}),
        "auditor": (Role.AUDITOR, {}),
    }
    if caller == "anonymous":
        return {}
    role, scope = scopes[caller]
    return await tokens.headers(role, **scope)


@dataclass(frozen=True)
class Endpoint:
    name: str
    allowed: frozenset[str]
    request: Callable[[DemoWorld, dict[str, Any]], tuple[str, str, dict[str, Any] | None]]
    """(method, url, json) for one attempt; ``state`` holds fresh targets prepared for the test."""
    consumes: str | None = None
    """The state list whose first target a successful call uses up."""


def _slug(prefix: str) -> str:
    return f"{prefix}-{next(_unique)}"


def _budget(world: DemoWorld) -> dict[str, Any]:
    return {"slug": _slug("b"), "network_id": world.network_ids["riihikallio"], "amount": 100_000, "rule": "greedy"}


ENDPOINTS = [
    Endpoint(
        "create municipality",
        frozenset({"admin"}),
        lambda w, s: (
            "POST",
            "/municipalities",
            {
                "slug": _slug("kunta"),
                "code": f"{next(_unique) % 900 + 100}",
                "name": {"fi": "Kunta"},
                "languages": ["fi"],
            },
        ),
    ),
    Endpoint(
        "create network",
        frozenset(MANAGERS),
        lambda w, s: (
            "POST",
            f"/municipalities/{w.municipality_id}/networks",
            {"slug": _slug("teema"), "kind": "theme", "name": {"fi": "Teema"}},
        ),
    ),
    Endpoint(
        "describe network",
        frozenset(MANAGERS | {"coordinator"}),
        lambda w, s: ("PATCH", f"/networks/{w.network_ids['hyryla']}", {"description": {"fi": "Uusi kuvaus"}}),
    ),
    Endpoint(
        "rename network",
        frozenset(MANAGERS),
        lambda w, s: ("PATCH", f"/networks/{w.network_ids['hyryla']}", {"name": {"fi": "Hyrylä"}}),
    ),
    Endpoint(
        "create round",
        frozenset(MANAGERS),
        lambda w, s: (
            "POST",
            "/rounds",
            {"municipality_id": w.municipality_id, "slug": _slug("r"), "year": 2030, "name": {"fi": "Kierros"}},
        ),
    ),
    Endpoint(
        "update round",
        frozenset(MANAGERS),
        lambda w, s: ("PATCH", f"/rounds/{w.round_id}", {"name": {"fi": "Uusi nimi"}}),
    ),
    Endpoint(
        "set schedule",
        frozenset(MANAGERS),
        lambda w, s: (
            "PUT",
            f"/rounds/{w.round_id}/schedule",
            {
                "phases": [
                    {"phase": "proposals", "starts_at": "2027-02-01T00:00:00Z", "ends_at": "2027-03-01T00:00:00Z"}
                ]
            },
        ),
    ),
    Endpoint(
        "move phase",
        frozenset(MANAGERS),
        lambda w, s: ("POST", f"/rounds/{w.round_id}/transitions", {"to": s["phases"][0]}),
        "phases",
    ),
    Endpoint("create budget", frozenset(MANAGERS), lambda w, s: ("POST", f"/rounds/{w.round_id}/budgets", _budget(w))),
    Endpoint(
        "update budget",
        frozenset(MANAGERS),
        lambda w, s: ("PATCH", f"/budgets/{w.budget_ids['hyryla']}", {"amount": 300_000}),
    ),
    Endpoint(
        "delete budget", frozenset(MANAGERS), lambda w, s: ("DELETE", f"/budgets/{s['budgets'][0]}", None), "budgets"
    ),
    Endpoint(
        "add project",
        frozenset(MANAGERS),
        lambda w, s: (
            "POST",
            f"/budgets/{w.budget_ids['hyryla']}/projects",
            {"code": _slug("p"), "title": {"fi": "Penkki"}, "cost": 50_000},
        ),
    ),
    Endpoint(
        "update project", frozenset(MANAGERS), lambda w, s: ("PATCH", f"/projects/{s['projects'][0]}", {"cost": 60_000})
    ),
    Endpoint(
        "remove project",
        frozenset(MANAGERS),
        lambda w, s: ("DELETE", f"/projects/{s['projects'][0]}", None),
        "projects",
    ),
]


async def _prepare(client: httpx.AsyncClient, world: DemoWorld, admin: dict[str, str]) -> dict[str, Any]:
    budgets, projects = [], []
    for _ in range(len(MANAGERS) + 1):  # one spare, so callers refused after the last success still have a target
        created = await client.post(f"/rounds/{world.round_id}/budgets", json=_budget(world), headers=admin)
        budgets.append(created.json()["id"])
        project = await client.post(
            f"/budgets/{world.budget_ids['jokela']}/projects",
            headers=admin,
            json={"code": _slug("q"), "title": {"fi": "Valo"}, "cost": 10_000},
        )
        projects.append(project.json()["id"])
    return {"budgets": budgets, "projects": projects, "phases": ["proposals", "deliberation", "voting"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
async def test_each_role_gets_exactly_the_access_it_should(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, endpoint: Endpoint
) -> None:
    state = await _prepare(client, world, await tokens.headers(Role.ADMIN))
    outcomes: dict[str, int] = {}

    for caller in CALLERS:
        method, url, body = endpoint.request(world, state)
        response = await client.request(method, url, json=body, headers=await caller_headers(caller, world, tokens))
        outcomes[caller] = response.status_code
        if response.is_success and endpoint.consumes:
            state[endpoint.consumes].pop(0)

    expected = {
        caller: (200 if caller in endpoint.allowed else 401 if caller == "anonymous" else 403) for caller in CALLERS
    }
    assert {c: (200 if 200 <= s < 300 else s) for c, s in outcomes.items()} == expected
