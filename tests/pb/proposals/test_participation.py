"""The round's participation rules (those of voting) apply to proposing, supporting and volunteering."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.settings import Settings
from tests.conftest import Clock
from tests.pb.auth.helpers import resident_headers
from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import open_deliberation, proposal_body

OFFER = {"name": "Apu", "offers": ["time"], "message": "Autan"}


def outsiders(clock: Clock) -> dict[str, dict[str, Any]]:
    """Residents whom Hyrylä's budget excludes, by the reason code the refusal gives."""
    today = clock().date()
    return {
        "other-municipality": {"municipality_code": "186"},
        "too-young": {"birth_date": date(today.year - 14, today.month, 1)},
        "outside-area": {"postal_code": "05400"},
        "municipality-unknown": {"municipality_code": None},
    }


@pytest.mark.parametrize("reason", ["other-municipality", "too-young", "outside-area", "municipality-unknown"])
async def test_a_resident_outside_the_rules_cannot_propose_support_or_volunteer(
    client: httpx.AsyncClient, scene: Scene, engine: AsyncEngine, settings: Settings, clock: Clock, reason: str
) -> None:
    pid, hyryla = scene.proposal_id, scene.world.budget_ids["hyryla"]
    outsider = await resident_headers(engine, settings, clock, **outsiders(clock)[reason])

    proposed = await client.post("/proposals", json=proposal_body(hyryla, "Uusi penkki"), headers=outsider)
    volunteered = await client.post(f"/proposals/{pid}/volunteers", json=OFFER, headers=outsider)
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    supported = await client.post(f"/proposals/{pid}/support", headers=outsider)

    for response in (proposed, volunteered, supported):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "not_eligible"
        assert response.json()["reason"] == reason
    assert (await client.get("/proposals", params={"round_id": scene.world.round_id})).json()["total"] == 1
    assert (await client.get(f"/proposals/{pid}/volunteers")).json()["count"] == 0
    assert (await client.get(f"/proposals/{pid}")).json()["supports"] == 0


async def test_a_resident_of_another_area_takes_part_in_budgets_open_to_the_whole_municipality(
    client: httpx.AsyncClient, scene: Scene, engine: AsyncEngine, settings: Settings, clock: Clock
) -> None:
    jokela = await resident_headers(engine, settings, clock, postal_code="05400")
    theme = scene.world.budget_ids["luonto-ja-liikunta"]

    proposed = await client.post("/proposals", json=proposal_body(theme, "Luontopolku"), headers=jokela)
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    supported = await client.post(f"/proposals/{proposed.json()['id']}/support", headers=jokela)

    assert proposed.status_code == 201, proposed.text
    assert supported.status_code == 201, supported.text
    assert supported.json()["supports"] == 1


@pytest.mark.parametrize(("language", "detail"), [
    ("en", "proposing for this budget follows the rules of voting in it: only residents of the network's area "
           "may vote in this budget"),
    ("fi", "ehdottaminen tähän budjettiin noudattaa sen äänestyksen sääntöjä: tässä budjetissa voivat äänestää "
           "vain verkoston alueen asukkaat"),
    ("sv", "att lämna förslag till den här budgeten följer reglerna för röstningen i den: bara invånare i "
           "nätverkets område får rösta i den här budgeten"),
])
async def test_why_a_resident_may_not_take_part_is_told_in_their_language_throughout(
    client: httpx.AsyncClient, scene: Scene, engine: AsyncEngine, settings: Settings, clock: Clock, language: str,
    detail: str,
) -> None:
    outsider = await resident_headers(engine, settings, clock, **outsiders(clock)["outside-area"])

    response = await client.post("/proposals", json=proposal_body(scene.world.budget_ids["hyryla"], "Uusi penkki"),
                                 headers={**outsider, "Accept-Language": language})

    assert response.status_code == 403, response.text
    assert response.json()["detail"] == detail
