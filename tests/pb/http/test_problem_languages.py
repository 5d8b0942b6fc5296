"""Problem details in the caller's language: Accept-Language picks fi, sv or en; English when none is asked."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import DemoWorld


@pytest.mark.parametrize(("accept", "language", "title", "detail"), [
    (None, "en", "Not found", "budget 987654 does not exist"),
    ("fi-FI,fi;q=0.9,en;q=0.5", "fi", "Ei löytynyt", "budjettia 987654 ei ole"),
    ("sv", "sv", "Hittades inte", "budget 987654 finns inte"),
    ("de-DE,de;q=0.9", "en", "Not found", "budget 987654 does not exist"),
    ("de, sv;q=0.5", "sv", "Hittades inte", "budget 987654 finns inte"),
])
async def test_a_problem_is_answered_in_the_language_asked_for(
    client: httpx.AsyncClient, world: DemoWorld, accept: str | None, language: str, title: str, detail: str,
) -> None:
    headers = {"Accept-Language": accept} if accept else {}

    response = await client.get("/budgets/987654/projects", headers=headers)

    assert response.status_code == 404
    body = response.json()
    assert (body["title"], body["detail"], body["code"]) == (title, detail, "not_found")
    assert body["budget_id"] == 987654  # the values stay machine-readable beside the sentence
    assert response.headers["content-language"] == language
    assert "Accept-Language" in response.headers["vary"]


async def test_problems_of_the_service_itself_are_translated_too(client: httpx.AsyncClient, world: DemoWorld) -> None:
    response = await client.get("/audit", headers={"Authorization": "Bearer not-a-token", "Accept-Language": "fi"})

    assert response.status_code == 401
    assert response.json()["title"] == "Kirjautuminen vaaditaan"
