"""Budgets: limits that contradict each other or the ballot format are refused, naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld

INVALID = [
    ({"amount": 0}, "amount"),
    ({"amount": -5}, "amount"),
    ({"amount": "lots"}, "amount"),
    ({"rule": "dictator"}, "rule"),
    ({"rule": "phragmen", "ballot_format": "cumulative", "max_points_per_project": 3, "max_total_points": 10}, "rule"),
    ({"min_selections": 4, "max_selections": 2}, "max_selections"),
    ({"ballot_format": "cumulative"}, "max_points_per_project"),
    ({"max_cost": 100}, "max_cost"),
    ({"max_total_points": 10}, "max_total_points"),
    ({"tie_break": "coin"}, "tie_break"),
    ({"rule_params": {"completion": ["add1"]}}, "rule_params.completion"),
    ({"rule_params": {"completion": "magic"}}, "rule_params.completion"),
    ({"rule_params": {"foo": 1}}, "rule_params.foo"),
    ({"rule_params": {"seed": 7}}, "rule_params.seed"),
    ({"rule": "max-welfare", "rule_params": {"satisfaction": "joy"}}, "rule_params.satisfaction"),
    ({"rule": "greedy-threshold", "rule_params": {"threshold": "many"}}, "rule_params.threshold"),
    ({"rule": "greedy", "rule_params": {"ordinal_points": 3}}, "rule_params.ordinal_points"),
    ({"rule": "greedy", "ballot_format": "ranked", "rule_params": {"ordinal_points": -1}},
     "rule_params.ordinal_points"),
    ({"unknown": 1}, "unknown"),
    ({"network_id": 99999}, "network_id"),
]


def budget(world: DemoWorld, **changes: Any) -> dict[str, Any]:
    return {"slug": "uusi", "network_id": world.network_ids["hyryla"], "amount": 100_000, **changes}


@pytest.mark.parametrize(("changes", "field"), INVALID, ids=[f"{f}-{i}" for i, (_, f) in enumerate(INVALID)])
async def test_invalid_budget_is_refused_with_the_field_and_nothing_stored(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, changes: dict[str, Any], field: str
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(f"/rounds/{world.round_id}/budgets", json=budget(world, **changes), headers=official)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field
    assert len((await client.get(f"/rounds/{world.round_id}/budgets")).json()) == 6


async def test_knapsack_ballot_caps_cost_at_the_budget_by_default(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)

    response = await client.post(
        f"/rounds/{world.round_id}/budgets", json=budget(world, ballot_format="knapsack"), headers=official
    )

    assert response.status_code == 201, response.text
    assert response.json()["max_cost"] == 100_000


async def test_theme_network_budget_is_open_to_the_whole_municipality(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    theme = world.network_ids["luonto-ja-liikunta"]

    response = await client.post(
        f"/rounds/{world.round_id}/budgets", json=budget(world, network_id=theme), headers=official
    )

    assert response.json()["area_restricted"] is False
    assert response.json()["name"]["fi"] == "Luonto ja liikunta -teemaverkosto"


async def test_network_of_another_municipality_cannot_hold_a_budget(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    admin = await tokens.headers(Role.ADMIN)
    other = await client.post(
        f"/municipalities/{world.other_municipality_id}/networks",
        json={"slug": "keskusta", "kind": "regional", "name": {"fi": "Keskusta"}, "postal_codes": ["04400"]},
        headers=admin,
    )

    response = await client.post(
        f"/rounds/{world.round_id}/budgets", json=budget(world, network_id=other.json()["id"]), headers=admin
    )

    assert response.status_code == 422
    assert response.json()["field"] == "network_id"


async def test_municipality_wide_budget_needs_a_name(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    body = {"slug": "koko-kunta", "amount": 1_000_000}

    unnamed = await client.post(f"/rounds/{world.round_id}/budgets", json=body, headers=official)
    named = await client.post(
        f"/rounds/{world.round_id}/budgets", json={**body, "name": {"fi": "Koko kunta"}}, headers=official
    )

    assert unnamed.status_code == 422
    assert named.status_code == 201
    assert named.json()["network_id"] is None and named.json()["area_restricted"] is False


PATCHES = [
    ({"rule_params": {"completion": "magic"}}, "rule_params.completion"),
    ({"rule_params": {"foo": 1}}, "rule_params.foo"),
    ({"rule": "phragmen", "rule_params": {}}, None),
    ({"rule": "greedy"}, "rule_params.completion"),
    ({"ballot_format": "cumulative", "max_cost": None, "max_points_per_project": 3, "max_total_points": 10,
      "rule": "phragmen", "rule_params": {}}, "rule"),
]


@pytest.mark.parametrize(("changes", "field"), PATCHES, ids=[f"{f}-{i}" for i, (_, f) in enumerate(PATCHES)])
async def test_budget_update_is_checked_by_the_rule_registry_and_a_refusal_changes_nothing(
    client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens, changes: dict[str, Any], field: str | None
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    budget_id = world.budget_ids["hyryla"]
    before = (await client.get(f"/budgets/{budget_id}")).json()

    response = await client.patch(f"/budgets/{budget_id}", json=changes, headers=official)

    if field is None:
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert (await client.get(f"/budgets/{budget_id}")).json() == before
