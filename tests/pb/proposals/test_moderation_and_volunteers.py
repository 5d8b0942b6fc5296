"""Moderation keeps hidden content stored with a reason its author sees, all audited; volunteers and consent."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from pb.proposals.models import Proposal
from tests.conftest import Clock, Tokens
from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import open_deliberation, proposal_body


async def _audit_actions(engine: AsyncEngine) -> list[str]:
    async with create_sessionmaker(engine)() as session:
        rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq)))).all()
        return [f"{e.action} {e.target}" for e in rows]


async def test_hidden_comment_and_proposal_keep_their_text_stored_and_show_the_reason_to_the_author(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine
) -> None:
    pid = scene.proposal_id
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    bertil = await scene.people.headers("bertil")
    comment = (
        await client.post(f"/proposals/{pid}/comments", json={"body": "Törkeä kommentti"}, headers=bertil)
    ).json()
    reported = await client.post(
        f"/proposals/{pid}/reports",
        headers=await scene.people.headers("aino"),
        json={"comment_id": comment["id"], "reason": "Asiaton kommentti"},
    )

    hid_comment = await client.post(
        f"/comments/{comment['id']}/hide", json={"reason": "Asiaton kieli"}, headers=scene.official
    )
    hid_proposal = await client.post(
        f"/proposals/{pid}/hide", json={"reason": "Sisältää henkilötietoja"}, headers=scene.official
    )

    assert reported.status_code == 201
    assert hid_comment.json()["hidden"] is True
    assert hid_comment.json()["body"] == ""
    assert hid_proposal.json()["hidden"] is True
    assert hid_proposal.json()["title"] == {}
    assert (await client.get(f"/proposals/{pid}/comments")).json()[0]["body"] == ""
    assert (await client.get("/proposals")).json()["total"] == 0
    own = (await client.get(f"/proposals/{pid}/moderation", headers=await scene.people.headers("aino"))).json()
    assert own["hidden_reason"] == "Sisältää henkilötietoja"
    commenter = (await client.get(f"/proposals/{pid}/moderation", headers=bertil)).json()
    assert commenter["hidden_reason"] is None
    assert commenter["hidden_comments"] == {str(comment["id"]): "Asiaton kieli"}
    reports = (await client.get(f"/rounds/{scene.world.round_id}/reports", headers=scene.official)).json()
    assert [r["reason"] for r in reports] == ["Asiaton kommentti"]
    async with create_sessionmaker(engine)() as session:
        stored = await session.get(Proposal, pid)
        assert stored is not None
        assert stored.title == {"fi": "Leikkipuistoon uusi keinu"}
    actions = await _audit_actions(engine)
    assert f"moderation.report proposal:{pid}" in actions
    assert f"moderation.hide comment:{comment['id']}" in actions
    assert f"moderation.hide proposal:{pid}" in actions


async def test_residents_cannot_list_reports_or_hide(client: httpx.AsyncClient, scene: Scene) -> None:
    resident = await scene.people.headers("bertil")

    listed = await client.get(f"/rounds/{scene.world.round_id}/reports", headers=resident)

    assert listed.status_code == 403


async def test_volunteer_counts_are_public_names_only_with_consent_contacts_only_for_organisers(
    client: httpx.AsyncClient, scene: Scene, tokens: Tokens
) -> None:
    pid = scene.proposal_id
    offers = [
        (
            "bertil",
            {
                "kind": "association",
                "name": "Hyrylän Kyläyhdistys ry",
                "show_name": True,
                "offers": ["time", "materials"],
                "message": "Talkooporukka tulee",
                "contact": "kyla@example.fi",
            },
        ),
        ("cecilia", {"name": "Cecilia", "offers": ["skills"], "message": "Olen puuseppä"}),
    ]
    for person, body in offers:
        response = await client.post(
            f"/proposals/{pid}/volunteers", json=body, headers=await scene.people.headers(person)
        )
        assert response.status_code == 201, response.text
    coordinator = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["hyryla"])
    other = await tokens.headers(Role.COORDINATOR, network_id=scene.world.network_ids["jokela"])

    public = (await client.get(f"/proposals/{pid}/volunteers")).json()
    by_author = await client.get(f"/proposals/{pid}/volunteers/offers", headers=await scene.people.headers("aino"))
    by_coordinator = await client.get(f"/proposals/{pid}/volunteers/offers", headers=coordinator)
    by_stranger = await client.get(f"/proposals/{pid}/volunteers/offers", headers=await scene.people.headers("dani"))
    by_other = await client.get(f"/proposals/{pid}/volunteers/offers", headers=other)

    assert public["count"] == 2
    assert public["by_offer"] == {"materials": 1, "skills": 1, "time": 1}
    assert [v["name"] for v in public["public"]] == ["Hyrylän Kyläyhdistys ry", None]
    assert "contact" not in str(public)
    assert by_author.status_code == 200
    assert [o["contact"] for o in by_author.json()] == ["kyla@example.fi", None]
    assert by_coordinator.status_code == 200
    assert by_stranger.status_code == 403
    assert by_other.status_code == 403


async def test_top_k_rule_advances_the_most_supported_per_budget_with_ties_together(
    client: httpx.AsyncClient, scene: Scene, clock: Clock
) -> None:
    hyryla = scene.world.budget_ids["hyryla"]
    ids = [scene.proposal_id]
    for title in ("Penkki", "Roskis", "Valot"):
        body = proposal_body(hyryla, title)
        ids.append(
            (await client.post("/proposals", json=body, headers=await scene.people.headers("aino"))).json()["id"]
        )
    stage = await open_deliberation(
        client,
        clock,
        scene.world.round_id,
        scene.official,
        is_last=False,
        rule={"id": "top-k", "k": 1, "require_feasible": False},
    )
    for proposal, supporters in zip(ids, (["b", "c"], ["b", "c"], ["b"], []), strict=True):
        for person in supporters:
            assert (
                await client.post(f"/proposals/{proposal}/support", headers=await scene.people.headers(person))
            ).status_code == 201
    clock.advance(days=8)

    closed = (await client.post(f"/deliberation-rounds/{stage}/close", headers=scene.official)).json()

    assert [(d["proposal_id"], d["advanced"], d["rank"], d["supports"]) for d in closed] == [
        (ids[0], True, 1, 2),
        (ids[1], True, 1, 2),
        (ids[2], False, 3, 1),
        (ids[3], False, 4, 0),
    ]
    assert (await client.get(f"/budgets/{hyryla}/projects")).json() == []
    assert (await client.get(f"/proposals/{ids[2]}/decisions")).json()[0]["reason"] == "rank 3 below top 1"
