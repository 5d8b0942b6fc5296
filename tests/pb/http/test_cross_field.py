"""Checks across fields (a phase's dates, a ballot's limits, a budget without a network or a name...) say what is
wrong in the caller's language and name every field involved, never "Validation failed for POST ..." with no field."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from pb.budgets.schemas import BudgetCreate
from pb.core.errors import InvalidInput
from pb.core.models import Role
from pb.http.request_body import body_errors
from pb.networks.schemas import NetworkCreate
from pb.proposals.deliberation_schemas import AdvancementRule, ReviewCreate, StageCreate
from pb.proposals.schemas import Location
from pb.proposals.search import bounding_box
from pb.proposals.text import Texts
from pb.results.schemas import ProgressCreate
from pb.rounds.schemas import RoundCreate
from tests.conftest import Tokens
from tests.factories import DemoWorld

PB = Path(__file__).resolve().parents[3] / "pb"
JAN, FEB, MAR = "2028-01-01T00:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"


def window(phase: str, starts_at: str, ends_at: str) -> dict[str, str]:
    return {"phase": phase, "starts_at": starts_at, "ends_at": ends_at}


def round_body(*phases: dict[str, str]) -> dict[str, Any]:
    return {"municipality_id": 1, "slug": "k-2028", "year": 2028, "name": {"fi": "K"},
            "schedule": {"phases": list(phases)}}


CASES: list[tuple[type[pydantic.BaseModel], dict[str, Any], list[str], str]] = [
    (RoundCreate, round_body(window("proposals", FEB, JAN)),
     ["schedule.phases.0.ends_at", "schedule.phases.0.starts_at"], "ends_at must be after starts_at"),
    (RoundCreate, round_body(window("draft", JAN, FEB)), ["schedule.phases.0.phase"],
     "the draft phase has no window: it lasts until the next phase starts"),
    (RoundCreate, round_body(window("voting", JAN, FEB), window("proposals", FEB, MAR)),
     ["schedule.phases.1.phase", "schedule.phases.0.phase"],
     "phases must be listed once each, in phase order: proposals comes after voting"),
    (RoundCreate, round_body(window("voting", JAN, FEB), window("voting", FEB, MAR)),
     ["schedule.phases.1.phase", "schedule.phases.0.phase"],
     "phases must be listed once each, in phase order: voting comes after voting"),
    (RoundCreate, round_body(window("proposals", JAN, MAR), window("voting", FEB, MAR)),
     ["schedule.phases.1.starts_at", "schedule.phases.0.ends_at"], "voting starts before proposals ends"),
    (BudgetCreate, {"slug": "x", "amount": 1000}, ["name", "network_id"], "a municipality-wide budget needs a name"),
    (NetworkCreate, {"slug": "x", "kind": "regional", "name": {"fi": "X"}}, ["postal_codes", "districts", "kind"],
     "a regional network lists the postal codes or districts it covers"),
    (Location, {"lat": 60.4}, ["lon", "lat"], "a map point needs both lat and lon"),
    (Location, {"lon": 25.1}, ["lat", "lon"], "a map point needs both lat and lon"),
    (Location, {}, ["address", "lat", "lon"], "give an address or a map point"),
    (Texts, {}, ["fi", "sv", "en"], "write it in at least one of fi, sv, en"),
    (AdvancementRule, {"id": "top-k"}, ["k", "id"], "the top-k rule needs k"),
    (StageCreate, {"name": {"fi": "K"}, "starts_at": FEB, "ends_at": JAN, "rule": {"id": "min-support"}},
     ["ends_at", "starts_at"], "ends_at must be after starts_at"),
    (ReviewCreate, {"decision": "feasible", "reasons": {"fi": "Hyvä"}}, ["cost", "decision"],
     "a feasible proposal needs a binding cost estimate (cost)"),
    (ProgressCreate, {"status": "done", "cancel_reason": {"fi": "Ei"}}, ["cancel_reason", "status"],
     "cancel_reason is only for a cancelled project"),
]


@pytest.mark.parametrize(("model", "body", "fields", "message"), CASES,
                         ids=[f"{m.__name__}-{i}" for i, (m, *_) in enumerate(CASES)])
def test_a_check_across_fields_names_the_fields_and_says_what_is_wrong(
    model: type[pydantic.BaseModel], body: dict[str, Any], fields: list[str], message: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        model.model_validate(body)

    [error] = body_errors(caught.value.errors())

    assert (error["key"], error["fields"], error["message"]) == (fields[0], fields, message)


def test_every_model_validator_in_pb_reports_its_fields() -> None:
    """A plain ValueError in a model validator names only the model (at the top of a body, nothing at all)."""
    offenders = []
    for path in sorted(PB.rglob("*.py")):
        if path.name == "settings.py":  # read from the environment, never from a request
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            validator = isinstance(node, ast.FunctionDef) and any(
                "model_validator" in ast.unparse(d) for d in node.decorator_list)
            if validator:
                offenders += [f"{path.relative_to(PB)}:{r.lineno}" for r in ast.walk(node)
                              if isinstance(r, ast.Raise) and r.exc is not None and "ValueError" in ast.unparse(r.exc)]
    assert offenders == []


@pytest.mark.parametrize(("corners", "fields"), [
    ((60.0, None, None, None), ["min_lon", "max_lat", "max_lon", "min_lat"]),
    ((61.0, 25.0, 60.0, 26.0), ["min_lat", "max_lat"]),
    ((60.0, 26.0, 61.0, 25.0), ["min_lon", "max_lon"]),
])
def test_a_map_area_that_does_not_hold_together_names_its_corners(
    corners: tuple[float | None, float | None, float | None, float | None], fields: list[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        bounding_box(*corners)

    assert (caught.value.field, caught.value.extra["fields"]) == (fields[0], fields)


async def official(tokens: Tokens, world: DemoWorld) -> dict[str, str]:
    return await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)


async def test_a_municipality_wide_budget_without_a_name_names_both_fields(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    response = await client.post(f"/rounds/{world.round_id}/budgets", json={"slug": "x", "amount": 1000},
                                 headers=await official(tokens, world))

    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["field"], body["fields"], body["detail"]) == (
        "name", ["name", "network_id"], "a municipality-wide budget needs a name")
    assert body["errors"] == [{"field": "name", "message": "a municipality-wide budget needs a name",
                               "fields": ["name", "network_id"]}]


@pytest.mark.parametrize(("language", "detail"), [
    ("en", "voting starts before proposals ends"),
    ("fi", "vaihe voting alkaa ennen kuin vaihe proposals päättyy"),
    ("sv", "fasen voting börjar innan fasen proposals slutar"),
])
async def test_overlapping_phases_are_named_in_the_callers_language(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, language: str, detail: str
) -> None:
    body = round_body(window("proposals", JAN, MAR), window("voting", FEB, MAR)) | {
        "municipality_id": world.municipality_id}
    headers = {**await official(tokens, world), "Accept-Language": language}

    response = await client.post("/rounds", json=body, headers=headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["field"], problem["fields"], problem["detail"]) == (
        "schedule.phases.1.starts_at", ["schedule.phases.1.starts_at", "schedule.phases.0.ends_at"], detail)
    assert problem["errors"][0]["message"] == detail


@pytest.mark.parametrize(("changes", "fields"), [
    ({"min_selections": 4, "max_selections": 2}, ["max_selections", "min_selections"]),
    ({"max_cost": 500}, ["max_cost", "ballot_format"]),
    ({"max_points_per_project": 3}, ["max_points_per_project", "ballot_format"]),
    ({"ballot_format": "cumulative", "max_total_points": 10}, ["max_points_per_project", "ballot_format"]),
])
async def test_ballot_limits_that_contradict_each_other_name_every_field_involved(
    client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld, changes: dict[str, Any], fields: list[str]
) -> None:
    body = {"slug": "x", "network_id": world.network_ids["hyryla"], "amount": 100_000, **changes}

    response = await client.post(f"/rounds/{world.round_id}/budgets", json=body, headers=await official(tokens, world))

    assert response.status_code == 422, response.text
    assert (response.json()["field"], response.json()["fields"]) == (fields[0], fields)
