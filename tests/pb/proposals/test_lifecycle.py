"""The rest of the lifecycle: officials show hidden content again and resolve reports, volunteers withdraw offers,
search puts the better match first."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from pb.audit.models import AuditEvent
from pb.core.db import create_sessionmaker
from pb.core.models import Role
from tests.conftest import Clock, Tokens
from tests.pb.proposals.conftest import Scene
from tests.pb.proposals.helpers import open_deliberation, proposal_body


async def _audit(engine: AsyncEngine, action: str) -> list[tuple[str, dict[str, Any]]]:
    async with create_sessionmaker(engine)() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
        return [(e.target, dict(e.details)) for e in (await session.exec(query)).all()]


async def _comment(client: httpx.AsyncClient, scene: Scene, person: str, body: str) -> int:
    response = await client.post(
        f"/proposals/{scene.proposal_id}/comments", json={"body": body}, headers=await scene.people.headers(person)
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _report(client: httpx.AsyncClient, scene: Scene, reason: str, comment_id: int | None = None) -> int:
    response = await client.post(
        f"/proposals/{scene.proposal_id}/reports",
        json={"reason": reason, "comment_id": comment_id},
        headers=await scene.people.headers("dani"),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_officials_unhide_a_proposal_and_a_comment_with_a_reason_the_authors_see_and_it_is_audited(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine
) -> None:
    pid = scene.proposal_id
    await open_deliberation(client, clock, scene.world.round_id, scene.official)
    comment = await _comment(client, scene, "bertil", "Kiistanalainen kommentti")
    other_comment = await _comment(client, scene, "cecilia", "Toinen kommentti")
    for path in (f"/proposals/{pid}", f"/comments/{comment}", f"/comments/{other_comment}"):
        hid = await client.post(f"{path}/hide", json={"reason": "Tarkistetaan"}, headers=scene.official)
        assert hid.status_code == 200, hid.text
    resident = await client.post(
        f"/proposals/{pid}/unhide", json={"reason": "Minusta ok"}, headers=await scene.people.headers("aino")
    )
    clock.advance(hours=1)

    shown = await client.post(f"/proposals/{pid}/unhide", json={"reason": "Tiedot poistettu"}, headers=scene.official)
    shown_comment = await client.post(
        f"/comments/{comment}/unhide", json={"reason": "Ei sääntöjen vastainen"}, headers=scene.official
    )
    again = await client.post(f"/proposals/{pid}/unhide", json={"reason": "Uudestaan"}, headers=scene.official)
    no_reason = await client.post(f"/comments/{other_comment}/unhide", json={}, headers=scene.official)

    assert resident.status_code == 403
    assert shown.status_code == 200, shown.text
    assert shown.json()["hidden"] is False
    assert shown.json()["title"] == {"fi": "Leikkipuistoon uusi keinu"}
    assert shown_comment.json()["hidden"] is False
    assert shown_comment.json()["body"] == "Kiistanalainen kommentti"
    assert (again.status_code, again.json()["code"]) == (409, "not_hidden")
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert [p["id"] for p in (await client.get("/proposals", params={"q": "keinu"})).json()["items"]] == [pid]
    thread = (await client.get(f"/proposals/{pid}/comments")).json()
    assert [(c["body"], c["hidden"]) for c in thread] == [("Kiistanalainen kommentti", False), ("", True)]

    author = (await client.get(f"/proposals/{pid}/moderation", headers=await scene.people.headers("aino"))).json()
    assert (author["hidden"], author["hidden_reason"]) == (False, None)
    assert [(h["comment_id"], h["action"], h["reason"]) for h in author["history"]] == [
        (None, "hide", "Tarkistetaan"),
        (None, "unhide", "Tiedot poistettu"),
    ]
    commenter = (await client.get(f"/proposals/{pid}/moderation", headers=await scene.people.headers("bertil"))).json()
    assert [(h["comment_id"], h["action"], h["reason"]) for h in commenter["history"]] == [
        (comment, "hide", "Tarkistetaan"),
        (comment, "unhide", "Ei sääntöjen vastainen"),
    ]
    assert commenter["hidden_comments"] == {}
    stranger = (await client.get(f"/proposals/{pid}/moderation", headers=await scene.people.headers("dani"))).json()
    assert stranger["history"] == []
    moderator = (await client.get(f"/proposals/{pid}/moderation", headers=scene.official)).json()
    assert len(moderator["history"]) == 5
    assert await _audit(engine, "moderation.unhide") == [
        (f"proposal:{pid}", {"reason": "Tiedot poistettu", "hidden_reason": "Tarkistetaan"}),
        (
            f"comment:{comment}",
            {"reason": "Ei sääntöjen vastainen", "hidden_reason": "Tarkistetaan", "proposal_id": pid},
        ),
    ]


async def test_officials_resolve_reports_with_an_outcome_and_list_open_or_resolved_ones(
    client: httpx.AsyncClient, scene: Scene, clock: Clock, engine: AsyncEngine, tokens: Tokens
) -> None:
    pid, round_id = scene.proposal_id, scene.world.round_id
    await open_deliberation(client, clock, round_id, scene.official)
    comment = await _comment(client, scene, "bertil", "Loukkaava kommentti")
    on_comment = await _report(client, scene, "Loukkaava", comment)
    on_proposal = await _report(client, scene, "Väärä budjetti")
    stranger = await tokens.headers(Role.OFFICIAL, municipality_id=scene.world.other_municipality_id)
    body = {"outcome": "hidden", "reason": "Asiaton kieli"}

    by_resident = await client.post(
        f"/reports/{on_comment}/resolve", json=body, headers=await scene.people.headers("aino")
    )
    by_stranger = await client.post(f"/reports/{on_comment}/resolve", json=body, headers=stranger)
    bad_outcome = await client.post(
        f"/reports/{on_comment}/resolve", json={"outcome": "deleted", "reason": "x" * 5}, headers=scene.official
    )
    hidden = await client.post(f"/reports/{on_comment}/resolve", json=body, headers=scene.official)
    kept = await client.post(
        f"/reports/{on_proposal}/resolve",
        json={"outcome": "no_action", "reason": "Budjetti on oikea"},
        headers=scene.official,
    )
    twice = await client.post(f"/reports/{on_proposal}/resolve", json=body, headers=scene.official)
    missing = await client.post("/reports/999999/resolve", json=body, headers=scene.official)

    assert (by_resident.status_code, by_stranger.status_code, bad_outcome.status_code) == (403, 403, 422)
    assert bad_outcome.json()["field"] == "outcome"
    assert hidden.status_code == 200, hidden.text
    assert (hidden.json()["outcome"], hidden.json()["resolution"]) == ("hidden", "Asiaton kieli")
    assert hidden.json()["resolved_at"] is not None
    assert (kept.json()["outcome"], kept.json()["resolution"]) == ("no_action", "Budjetti on oikea")
    assert (twice.status_code, twice.json()["code"]) == (409, "report_resolved")
    assert missing.status_code == 404
    assert (await client.get(f"/proposals/{pid}/comments")).json()[0]["hidden"] is True
    assert (await client.get(f"/proposals/{pid}")).json()["hidden"] is False
    commenter = (await client.get(f"/proposals/{pid}/moderation", headers=await scene.people.headers("bertil"))).json()
    assert commenter["hidden_comments"] == {str(comment): "Asiaton kieli"}

    # Hiding content directly resolves the open reports about it, and only those.
    later = await _report(client, scene, "Henkilötietoja")
    other = await _comment(client, scene, "cecilia", "Toinen")
    still_open = await _report(client, scene, "Epäselvä", other)
    assert (
        await client.post(f"/proposals/{pid}/hide", json={"reason": "Henkilötietoja"}, headers=scene.official)
    ).status_code == 200

    async def listed(**params: str) -> list[tuple[int, str | None]]:
        response = await client.get(f"/rounds/{round_id}/reports", params=params, headers=scene.official)
        assert response.status_code == 200, response.text
        return [(r["id"], r["outcome"]) for r in response.json()]

    assert await listed(state="open") == [(still_open, None)]
    assert await listed(state="resolved") == [(on_comment, "hidden"), (on_proposal, "no_action"), (later, "hidden")]
    assert len(await listed()) == 4
    assert (
        await client.get(f"/rounds/{round_id}/reports", params={"state": "bogus"}, headers=scene.official)
    ).status_code == 422
    resolutions = await _audit(engine, "moderation.resolve")
    assert [(target, d["outcome"]) for target, d in resolutions] == [
        (f"report:{on_comment}", "hidden"),
        (f"report:{on_proposal}", "no_action"),
    ]
    hides = await _audit(engine, "moderation.hide")
    assert [(target, d["resolved_reports"]) for target, d in hides] == [
        (f"comment:{comment}", []),
        (f"proposal:{pid}", [later]),
    ]


async def test_volunteers_withdraw_their_own_offer_and_counts_exclude_it(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    pid = scene.proposal_id
    offers = {
        "bertil": {"name": "Bertil", "show_name": True, "offers": ["time", "skills"], "message": "Autan"},
        "cecilia": {"name": "Cecilia", "offers": ["skills"], "message": "Olen puuseppä"},
    }
    for person, body in offers.items():
        response = await client.post(
            f"/proposals/{pid}/volunteers", json=body, headers=await scene.people.headers(person)
        )
        assert response.status_code == 201, response.text
    bertil = await scene.people.headers("bertil")

    withdrawn = await client.delete(f"/proposals/{pid}/volunteers", headers=bertil)
    twice = await client.delete(f"/proposals/{pid}/volunteers", headers=bertil)
    nobody = await client.delete(f"/proposals/{pid}/volunteers", headers=await scene.people.headers("dani"))

    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["count"], withdrawn.json()["by_offer"]) == (1, {"skills": 1})
    assert (twice.status_code, nobody.status_code) == (404, 404)
    public = (await client.get(f"/proposals/{pid}/volunteers")).json()
    assert (public["count"], [v["name"] for v in public["public"]]) == (1, [None])
    organisers = await client.get(f"/proposals/{pid}/volunteers/offers", headers=await scene.people.headers("aino"))
    assert [o["message"] for o in organisers.json()] == ["Olen puuseppä"]

    again = await client.post(f"/proposals/{pid}/volunteers", json=offers["bertil"], headers=bertil)
    assert again.status_code == 201
    assert (await client.get(f"/proposals/{pid}/volunteers")).json()["count"] == 2


async def test_search_puts_the_better_match_first_and_lists_newest_first_without_words(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    jokela = scene.world.budget_ids["jokela"]
    strong = proposal_body(jokela, "Keinu ja keinut") | {"description": {"fi": "Keinu, keinu ja vielä keinu."}}
    weak = proposal_body(jokela, "Uusi penkki torille") | {
        "description": {"fi": "Penkki torin laidalle, jossa voi istua ja katsella ohi kulkevia. Ehkä keinu."}
    }
    ids = []
    for body in (strong, weak):
        response = await client.post("/proposals", json=body, headers=await scene.people.headers("jaana"))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    async def found(**params: str) -> list[int]:
        response = await client.get("/proposals", params={"budget_id": str(jokela), **params})
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert await found(q="keinu") == ids
    assert await found(q="keinu", lang="fi", limit="1", offset="1") == [ids[1]]
    assert await found() == ids[::-1]
