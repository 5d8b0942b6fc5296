"""Who may do what: residents, coordinators within their network, officials; phases and one support each."""

from __future__ import annotations

import httpx

from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import move, open_deliberation, proposal_body

REVIEW = {"decision": "feasible", "reasons": {"fi": "Käy."}, "cost": 50_000}


async def test_a_resident_cannot_review_moderate_or_answer(client: httpx.AsyncClient, scene: Scene) -> None:
    resident = await scene.people.headers("bertil")
    pid = scene.proposal_id

    reviewed = await client.post(f"/proposals/{pid}/reviews", json=REVIEW, headers=resident)
    hidden = await client.post(f"/proposals/{pid}/hide", json={"reason": "Asiaton"}, headers=resident)
    merged = await client.post(
        f"/proposals/{pid}/split",
        headers=resident,
        json={"title": {"fi": "Osa"}, "description": {"fi": "Osa"}, "note": "Jako"},
    )

    for response in (reviewed, hidden, merged):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "forbidden"
    assert (await client.get(f"/proposals/{pid}/reviews")).json() == []
    assert (await client.get(f"/proposals/{pid}")).json()["hidden"] is False


async def test_a_coordinator_reviews_and_proposes_only_within_their_network(
    client: httpx.AsyncClient, scene: Scene, tokens: Tokens
) -> None:
    own = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["hyryla"])
    other = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["jokela"])
    pid = scene.proposal_id

    foreign_review = await client.post(f"/proposals/{pid}/reviews", json=REVIEW, headers=other)
    foreign_proposal = await client.post(
        "/proposals", json=proposal_body(scene.world.budget_ids["hyryla"], "Jokelan idea"), headers=other
    )
    own_review = await client.post(f"/proposals/{pid}/reviews", json=REVIEW, headers=own)
    own_proposal = await client.post(
        "/proposals", json=proposal_body(scene.world.budget_ids["hyryla"], "Verkoston idea"), headers=own
    )
    moderate = await client.post(f"/proposals/{pid}/hide", json={"reason": "Asiaton"}, headers=own)

    assert foreign_review.status_code == 403
    assert foreign_proposal.status_code == 403
    assert foreign_proposal.json()["field"] == "budget_id"
    assert own_review.status_code == 201, own_review.text
    assert own_review.json()["reviewer"] == f"coordinator:network:{scene.world.network_ids['hyryla']}"
    assert own_proposal.status_code == 201
    assert own_proposal.json()["authors"] == ["Hyrylän kehittämisverkosto"]
    assert moderate.status_code == 403


async def test_an_official_of_another_municipality_is_refused(
    client: httpx.AsyncClient, scene: Scene, tokens: Tokens
) -> None:
    stranger = await tokens.headers(Role.OFFICIAL, municipality_id=scene.world.other_municipality_id)

    response = await client.post(f"/proposals/{scene.proposal_id}/reviews", json=REVIEW, headers=stranger)

    assert response.status_code == 403


async def test_nobody_submits_outside_the_proposals_phase(
    client: httpx.AsyncClient, scene: Scene, tokens: Tokens, clock: Clock
) -> None:
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    coordinator = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["hyryla"])
    body = proposal_body(scene.world.budget_ids["hyryla"], "Myöhäinen idea")

    late = [
        await client.post("/proposals", json=body, headers=h)
        for h in (await scene.people.headers("bertil"), coordinator)
    ]

    for response in late:
        assert response.status_code == 409
        assert response.json()["code"] == "proposals_closed"
    assert (await client.get("/proposals")).json()["total"] == 1


async def test_support_is_once_per_person_withdrawable_and_only_while_deliberation_is_open(
    client: httpx.AsyncClient, scene: Scene, clock: Clock
) -> None:
    pid = scene.proposal_id
    early = await client.post(f"/proposals/{pid}/support", headers=await scene.people.headers("bertil"))
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    bertil = await scene.people.headers("bertil")

    first = await client.post(f"/proposals/{pid}/support", headers=bertil)
    again_new_session = await client.post(f"/proposals/{pid}/support", headers=await scene.people.headers("bertil"))
    official = await client.post(f"/proposals/{pid}/support", headers=scene.official)
    withdrawn = await client.delete(f"/proposals/{pid}/support", headers=bertil)
    renewed = await client.post(f"/proposals/{pid}/support", headers=bertil)

    assert early.status_code == 409
    assert early.json()["code"] == "deliberation_closed"
    assert first.status_code == 201
    assert first.json() == {"proposal_id": pid, "supports": 1, "supported": True}
    assert again_new_session.status_code == 409
    assert again_new_session.json()["code"] == "already_supported"
    assert official.status_code == 403
    assert withdrawn.json() == {"proposal_id": pid, "supports": 0, "supported": False}
    assert renewed.json()["supports"] == 1
    clock.advance(days=8)
    closed = await client.post(f"/proposals/{pid}/support", headers=await scene.people.headers("cecilia"))
    assert closed.status_code == 409


async def test_only_authors_edit_and_only_until_the_proposals_phase_ends(
    client: httpx.AsyncClient, scene: Scene, clock: Clock
) -> None:
    pid = scene.proposal_id
    change = {"title": {"fi": "Kaksi keinua"}}

    stranger = await client.patch(f"/proposals/{pid}", json=change, headers=await scene.people.headers("bertil"))
    await move(client, scene.world.round_id, "deliberation", scene.official)
    between_rounds = await client.patch(f"/proposals/{pid}", json=change, headers=await scene.people.headers("aino"))

    assert stranger.status_code == 403
    assert between_rounds.status_code == 409
    assert (await client.get(f"/proposals/{pid}")).json()["version"] == 1


async def test_closing_a_deliberation_round_is_for_officials_after_its_window(
    client: httpx.AsyncClient, scene: Scene, tokens: Tokens, clock: Clock
) -> None:
    stage = await open_deliberation(client, clock, scene.world.round_id, scene.official)
    coordinator = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["hyryla"])

    too_early = await client.post(f"/deliberation-rounds/{stage}/close", headers=scene.official)
    clock.advance(days=8)
    by_coordinator = await client.post(f"/deliberation-rounds/{stage}/close", headers=coordinator)
    by_resident = await client.post(f"/deliberation-rounds/{stage}/close", headers=await scene.people.headers("aino"))

    assert too_early.status_code == 409
    assert by_coordinator.status_code == 403
    assert by_resident.status_code == 403
    assert (await client.get(f"/deliberation-rounds/{stage}/decisions")).json() == []
