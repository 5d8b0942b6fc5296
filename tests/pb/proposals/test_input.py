"""Bad input gets a problem naming the field, and nothing is stored; markup is refused, stored text is inert."""

from __future__ import annotations

import httpx
import pytest

from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import proposal_body

BAD: list[tuple[str, dict[str, object], str]] = [
    ("missing title", {"title": None}, "title"),
    ("missing theme", {"theme": None}, "theme"),
    ("too long title", {"title": {"fi": "x" * 201}}, "title.fi"),
    ("too long description", {"description": {"fi": "y" * 5001}}, "description.fi"),
    ("script in title", {"title": {"fi": "<script>alert(1)</script>"}}, "title.fi"),
    ("img onerror in description", {"description": {"sv": 'Bra"><img src=x onerror=alert(1)>'}}, "description.sv"),
    ("javascript url", {"description": {"en": "see javascript:alert(1)"}}, "description.en"),
    ("control character", {"title": {"fi": "Keinu\u0000"}}, "title.fi"),
    ("point outside Finland", {"location": {"lat": 0.0, "lon": 0.0}}, "location.lat"),
    ("negative cost", {"own_cost": -1}, "own_cost"),
    ("unknown field", {"cost": 5}, "cost"),
]


async def test_bad_proposals_are_422_naming_the_field_and_store_nothing(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    bertil = await scene.people.headers("bertil")
    for case, change, field in BAD:
        body = proposal_body(scene.world.budget_ids["hyryla"], "Uusi keinu") | change
        body = {k: v for k, v in body.items() if v is not None}

        response = await client.post("/proposals", json=body, headers=bertil)

        assert response.status_code == 422, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "invalid_input"
        assert field in {response.json()["field"], *(e["field"] for e in response.json().get("errors", []))}, case
    assert (await client.get("/proposals")).json()["total"] == 1


async def test_unknown_budget_is_422_on_budget_id(client: httpx.AsyncClient, scene: Scene) -> None:
    response = await client.post(
        "/proposals", json=proposal_body(999_999, "Keinu"), headers=await scene.people.headers("bertil")
    )

    assert response.status_code == 422
    assert response.json()["field"] == "budget_id"
    assert (await client.get("/proposals")).json()["total"] == 1


async def test_text_with_lone_angle_brackets_is_stored_and_returned_verbatim_as_json(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    text = 'Keinu < 5 m päähän & "turvallinen" > 2 m'
    body = proposal_body(scene.world.budget_ids["hyryla"], "Turvallinen keinu", description={"fi": text})

    created = await client.post("/proposals", json=body, headers=await scene.people.headers("bertil"))

    assert created.status_code == 201, created.text
    fetched = await client.get(f"/proposals/{created.json()['id']}")
    assert fetched.json()["description"] == {"fi": text}
    assert fetched.headers["content-type"].startswith("application/json")
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in fetched.headers["content-security-policy"]


async def test_bad_edit_changes_nothing(client: httpx.AsyncClient, scene: Scene) -> None:
    before = (await client.get(f"/proposals/{scene.proposal_id}")).json()

    response = await client.patch(
        f"/proposals/{scene.proposal_id}",
        json={"title": {"fi": "<b>Keinu</b>"}},
        headers=await scene.people.headers("aino"),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "title.fi"
    assert (await client.get(f"/proposals/{scene.proposal_id}")).json() == before
    assert len((await client.get(f"/proposals/{scene.proposal_id}/history")).json()) == 1


@pytest.mark.parametrize(("theme", "stored"), [
    ("eläimet", "eläimet"),
    ("språk-och-kultur", "språk-och-kultur"),
    ("Eläimet", "eläimet"),
    ("ela\u0308imet", "eläimet"),
    ("дети", "дети"),
    ("自然", "自然"),
    ("हिन्दी", "हिन्दी"),
    ("liikunta-2027", "liikunta-2027"),
])
async def test_a_theme_in_any_language_is_stored_in_one_form_and_found_by_it(
    client: httpx.AsyncClient, scene: Scene, theme: str, stored: str
) -> None:
    body = proposal_body(scene.world.budget_ids["hyryla"], "Eläinpuisto", theme=theme)

    created = await client.post("/proposals", json=body, headers=await scene.people.headers("bertil"))

    assert created.status_code == 201, created.text
    assert created.json()["theme"] == stored
    found = await client.get("/proposals", params={"theme": theme})
    assert [p["id"] for p in found.json()["items"]] == [created.json()["id"]]


@pytest.mark.parametrize("theme", ["lasten puistot", "-eläimet", "eläimet-", "lasten--puistot", "x_y", "eläimet!",
                                   "\u0308a", "a" * 65])
async def test_a_theme_that_is_not_words_joined_by_hyphens_is_refused(
    client: httpx.AsyncClient, scene: Scene, theme: str
) -> None:
    body = proposal_body(scene.world.budget_ids["hyryla"], "Eläinpuisto", theme=theme)

    response = await client.post("/proposals", json=body, headers=await scene.people.headers("bertil"))

    assert (response.status_code, response.json()["field"]) == (422, "theme"), response.text
