"""Finding proposals: filters, a map area, pagination, and full-text search in Finnish, Swedish and English."""

from __future__ import annotations

import httpx

from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import proposal_body


async def _submit(client: httpx.AsyncClient, scene: Scene, budget: str, title: dict[str, str], **extra: object) -> int:
    body = proposal_body(scene.world.budget_ids[budget], "x") | {"title": title, "description": title, **extra}
    author = {"jokela": "jaana", "kellokoski": "kalle"}.get(budget, "bertil")
    response = await client.post("/proposals", json=body, headers=await scene.people.headers(author))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _ids(client: httpx.AsyncClient, **params: str | int | float) -> list[int]:
    response = await client.get("/proposals", params=params)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


async def test_search_finds_finnish_inflected_forms_on_postgresql_and_prefixes_on_sqlite(
    client: httpx.AsyncClient, scene: Scene, backend: str
) -> None:
    # The scene's proposal says "Leikkipuistoon uusi keinu" (into the playground).
    lekpark = await _submit(client, scene, "jokela", {"sv": "Nya gungor i lekparkerna"})
    english = await _submit(client, scene, "jokela", {"en": "Benches for the playgrounds"}, theme="puistot")

    assert await _ids(client, q="leikkipuisto") == [scene.proposal_id]
    assert await _ids(client, q="leikkipuisto", lang="sv") == []
    assert await _ids(client, q="playground", lang="en") == [english]
    if backend == "postgresql":
        # Stemming: the Swedish plural definite form and the Finnish base form of another case.
        assert await _ids(client, q="lekpark", lang="sv") == [lekpark]
        assert await _ids(client, q="keinuja") == [scene.proposal_id]
    else:
        # FTS5 matches words as prefixes: a longer inflected form of the query word is found, another stem is not.
        assert await _ids(client, q="lekpark") == [lekpark]
        assert await _ids(client, q="keinuja") == []
        assert await _ids(client, q="puisto") == []


async def test_filters_map_area_and_pages(client: httpx.AsyncClient, scene: Scene) -> None:
    near = await _submit(
        client, scene, "jokela", {"fi": "Uimaranta Jokelaan"}, location={"lat": 60.55, "lon": 25.06}, theme="uinti"
    )
    far = await _submit(
        client, scene, "kellokoski", {"fi": "Kellokosken ruukki"}, location={"lat": 60.53, "lon": 24.98}
    )

    assert await _ids(client, budget_id=scene.world.budget_ids["jokela"]) == [near]
    assert await _ids(client, network_id=scene.world.network_ids["kellokoski"]) == [far]
    assert await _ids(client, theme="uinti") == [near]
    assert await _ids(client, min_lat=60.54, min_lon=25.0, max_lat=60.6, max_lon=25.1) == [near]
    assert await _ids(client, status="submitted", limit=2) == [far, near]
    page = (await client.get("/proposals", params={"limit": 2, "offset": 2})).json()
    assert ([p["id"] for p in page["items"]], page["total"]) == ([scene.proposal_id], 3)


async def test_bad_search_parameters_are_problems(client: httpx.AsyncClient, scene: Scene) -> None:
    for params in (
        {"q": "!!!"},
        {"q": "x" * 201},
        {"min_lat": 60.0},
        {"status": "bogus"},
        {"lang": "de"},
        {"limit": 0},
    ):
        response = await client.get("/proposals", params=params)
        assert response.status_code == 422, (params, response.text)
        assert "sql" not in response.text.lower()
