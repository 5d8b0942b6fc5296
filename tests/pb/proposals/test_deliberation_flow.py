"""A whole deliberation over HTTP: from residents' proposals to ballot projects with official costs."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pb.core.models import Role
from pb.core.settings import Settings
from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.proposals.helpers import Residents, move, open_deliberation, proposal_body


async def test_full_deliberation_puts_advancing_proposals_on_the_ballot_with_official_costs(
    client: httpx.AsyncClient,
    world: DemoWorld,
    tokens: Tokens,
    engine: AsyncEngine,
    settings: Settings,
    clock: Clock,
) -> None:
    official = await tokens.headers(Role.OFFICIAL, municipality_id=world.municipality_id)
    hyryla, jokela = world.budget_ids["hyryla"], world.budget_ids["jokela"]
    coordinator = await tokens.headers(Role.COORDINATOR, network_id=world.network_ids["hyryla"])
    people = Residents(engine, settings, clock)
    await move(client, world.round_id, "proposals", official)

    async def submit(who: dict[str, str], body: dict[str, object]) -> int:
        response = await client.post("/proposals", json=body, headers=who)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    swing = await submit(
        await people.headers("aino"),
        proposal_body(
            hyryla,
            "Keinu leikkipuistoon",
            location={"address": "Hyryläntie 1", "lat": 60.4, "lon": 25.0},
            own_cost=100_000,
            show_name=True,
            public_name="Aino",
        ),
    )
    swing2 = await submit(await people.headers("bertil"), proposal_body(hyryla, "Toinen keinu puistoon"))
    skate = await submit(await people.headers("cecilia"), proposal_body(hyryla, "Skeittiparkki torille"))
    benches = await submit(coordinator, proposal_body(hyryla, "Penkit kuntopolulle"))
    jokela_idea = await submit(await people.headers("jaana"), proposal_body(jokela, "Jokelan uimaranta"))
    edited = await client.patch(
        f"/proposals/{swing}",
        json={"description": {"fi": "Kaksi keinua."}},
        headers=await people.headers("aino"),
    )
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    assert edited.json()["authors"] == ["Aino"]

    stage = await open_deliberation(client, clock, world.round_id, official)
    a, b, c, d = [await people.headers(n) for n in ("aino", "bertil", "cecilia", "dani")]
    comment = await client.post(f"/proposals/{swing}/comments", json={"body": "Hyvä idea!"}, headers=b)
    assert comment.status_code == 201, comment.text
    reply = await client.post(
        f"/proposals/{swing}/comments", json={"body": "Kiitos!", "parent_id": comment.json()["id"]}, headers=a
    )
    assert reply.status_code == 201
    question = await client.post(f"/proposals/{swing}/questions", json={"body": "Mahtuuko keinu?"}, headers=c)
    answer = await client.post(
        f"/questions/{question.json()['id']}/answers",
        json={"body": "Mahtuu, paikka on tarkistettu."},
        headers=official,
    )
    assert answer.status_code == 201, answer.text
    thread = (await client.get(f"/proposals/{swing}/comments")).json()
    assert [t["kind"] for t in thread] == ["comment", "question"]
    assert thread[0]["replies"][0]["body"] == "Kiitos!"
    assert thread[1]["replies"][0] | {"id": 0, "created_at": ""} == {
        "id": 0,
        "proposal_id": swing,
        "parent_id": question.json()["id"],
        "kind": "answer",
        "body": "Mahtuu, paikka on tarkistettu.",
        "label": "official",
        "official": True,
        "hidden": False,
        "created_at": "",
        "replies": [],
    }

    for proposal, supporters in {
        swing: (b, c, d),
        swing2: (a, c),
        benches: (a, b),
        jokela_idea: (await people.headers("jaana"), await people.headers("jussi")),
        skate: (a,),
    }.items():
        for who in supporters:
            response = await client.post(f"/proposals/{proposal}/support", headers=who)
            assert response.status_code == 201, response.text
    again = await client.post(f"/proposals/{swing}/support", headers=b)
    assert again.status_code == 409
    assert again.json()["code"] == "already_supported"
    revised = await client.patch(
        f"/proposals/{swing}",
        headers=a,
        json={
            "title": {"fi": "Keinut leikkipuistoon", "sv": "Gungor till lekparken"},
            "note": "Vastaus kysymykseen",
        },
    )
    assert revised.status_code == 200
    assert revised.json()["version"] == 3

    reviews = {
        skate: {"decision": "not_feasible", "reasons": {"fi": "Tori on liian pieni."}},
        swing: {"decision": "feasible", "reasons": {"fi": "Sopii puistoon."}, "cost": 120_000},
        benches: {"decision": "feasible", "reasons": {"fi": "Toteutettavissa."}, "cost": 80_000},
        jokela_idea: {"decision": "feasible_with_changes", "reasons": {"fi": "Pienempänä."}, "cost": 200_000},
    }
    for proposal, body in reviews.items():
        reviewed = await client.post(f"/proposals/{proposal}/reviews", json=body, headers=official)
        assert reviewed.status_code == 201, reviewed.text
    merged = await client.post(
        f"/proposals/{swing}/merge",
        headers=official,
        json={"sources": [swing2], "note": "Samat keinut yhdeksi ehdotukseksi"},
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["supports"] == 4  # b, c, d and a; c supported both and counts once
    assert len(merged.json()["authors"]) == 2
    assert (await client.get(f"/proposals/{swing2}")).json()["status"] == "merged"

    clock.advance(days=8)
    closed = await client.post(f"/deliberation-rounds/{stage}/close", headers=official)

    assert closed.status_code == 200, closed.text
    decisions = {d["proposal_id"]: d for d in closed.json()}
    assert {p for p, d in decisions.items() if d["advanced"]} == {swing, benches, jokela_idea}
    assert decisions[skate]["reason"] == "reviewed not_feasible"
    assert decisions[skate]["supports"] == 1
    assert decisions[swing]["rule"] == "min-support"
    assert decisions[swing]["rule_params"]["min_supports"] == 2
    assert (await client.get(f"/deliberation-rounds/{stage}/decisions")).json() == closed.json()
    projects = (await client.get(f"/budgets/{hyryla}/projects")).json()
    assert {(p["proposal_id"], p["cost"]) for p in projects} == {(swing, 120_000), (benches, 80_000)}
    assert next(p for p in projects if p["proposal_id"] == swing)["title"]["sv"] == "Gungor till lekparken"
    assert [(p["proposal_id"], p["cost"]) for p in (await client.get(f"/budgets/{jokela}/projects")).json()] == [
        (jokela_idea, 200_000)
    ]
    history = (await client.get(f"/proposals/{swing}/history")).json()
    assert [(v["proposal_id"], v["version"]) for v in history] == [
        (swing, 1),
        (swing2, 1),
        (swing, 2),
        (swing, 3),
        (swing, 4),
    ]
    assert (await client.get(f"/proposals/{skate}/reviews")).json()[0]["reasons"] == {"fi": "Tori on liian pieni."}
    assert (await client.get(f"/proposals/{swing}")).json()["status"] == "on_ballot"
