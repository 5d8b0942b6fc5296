"""Residents, phases and proposals for the proposals tests, driven through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.settings import Settings
from tests.conftest import Clock
from tests.pb.auth.helpers import hetu, resident_headers

HOMES = {"jaana": "05400", "jussi": "05400", "kalle": "04500"}
"""Postal codes of the residents who do not live in Hyrylä (04300): Jaana and Jussi in Jokela, Kalle in
Kellokoski."""


@dataclass
class Residents:
    """Named residents; each signs in afresh when asked (sessions are short), always as the same person.

    Everyone lives in Hyrylä but the names in HOMES: the participation rules (docs/participation.md)
    let only a network's residents propose for and support its area's budget.
    """

    engine: AsyncEngine
    settings: Settings
    clock: Clock
    people: dict[str, int] = field(default_factory=dict)

    async def headers(self, name: str) -> dict[str, str]:
        number = self.people.setdefault(name, 900 + len(self.people))
        birth = date(1980, 1, 1)
        return await resident_headers(
            self.engine,
            self.settings,
            self.clock,
            national_id=hetu(birth, number),
            subject=f"subject-{name}",
            name=name.title(),
            postal_code=HOMES.get(name, "04300"),
        )


def proposal_body(budget_id: int, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "budget_id": budget_id,
        "title": {"fi": title},
        "description": {"fi": f"{title}. Kuvaus ehdotuksesta."},
        "theme": "liikunta",
        **extra,
    }


async def move(client: httpx.AsyncClient, round_id: int, to: str, headers: dict[str, str]) -> None:
    response = await client.post(f"/rounds/{round_id}/transitions", json={"to": to}, headers=headers)
    assert response.status_code == 200, response.text


async def open_deliberation(
    client: httpx.AsyncClient,
    clock: Clock,
    round_id: int,
    official: dict[str, str],
    *,
    rule: dict[str, Any] | None = None,
    is_last: bool = True,
) -> int:
    """Move the round into deliberation and open a week-long deliberation round now."""
    await move(client, round_id, "deliberation", official)
    body = {
        "name": {"fi": "Kehittelyvaihe"},
        "starts_at": clock().isoformat(),
        "ends_at": (clock() + timedelta(days=7)).isoformat(),
        "rule": rule or {"id": "min-support", "min_supports": 2},
        "is_last": is_last,
    }
    response = await client.post(f"/rounds/{round_id}/deliberation-rounds", json=body, headers=official)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
