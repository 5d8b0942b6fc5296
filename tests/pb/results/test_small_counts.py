"""SECURITY.md N5: publishing a budget with fewer ballots than the round's minimum k needs an acknowledgement."""

from __future__ import annotations

from typing import Any

import httpx

from pb.core.models import Role
from tests.conftest import Tokens
from tests.pb.results.conftest import VOTES, Closed


async def _publish_entries(client: httpx.AsyncClient, tokens: Tokens, budget_id: int) -> list[dict[str, Any]]:
    page = (await client.get("/audit?limit=500", headers=await tokens.headers(Role.AUDITOR))).json()
    return [e for e in page["entries"] if e["action"] == "results.publish" and e["target"] == f"budget:{budget_id}"]


async def test_a_small_budget_is_published_only_with_an_acknowledgement_which_is_audited(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    budget_id = closed.election.budgets["hyryla"]
    url = f"/budgets/{budget_id}/result"
    assert (await client.post(f"{url}/confirm", headers=closed.official)).status_code == 200

    for body in (None, {}, {"acknowledge_small_count": False}):
        refused = await client.post(f"{url}/publish", headers=closed.official, json=body)
        assert refused.status_code == 409, body
        problem = refused.json()
        assert problem["code"] == "small_count_not_acknowledged"
        assert problem["field"] == "acknowledge_small_count"
        assert f"budget {budget_id} has {len(VOTES['hyryla'])} ballots, fewer than the round's minimum of 10" in (
            problem["detail"])
        assert '{"acknowledge_small_count": true}' in problem["detail"]
    assert (await client.get(f"/budgets/{budget_id}/results")).status_code == 409  # still unpublished
    assert await _publish_entries(client, tokens, budget_id) == []
    typo = await client.post(f"{url}/publish", headers=closed.official, json={"acknowledge_small": True})
    assert typo.status_code == 422, typo.text
    assert typo.json()["field"] == "acknowledge_small"

    published = await client.post(f"{url}/publish", headers=closed.official, json={"acknowledge_small_count": True})
    assert published.status_code == 200, published.text
    [entry] = await _publish_entries(client, tokens, budget_id)
    assert entry["details"]["small_count_acknowledged"] is True
    assert entry["details"]["ballot_count"] == len(VOTES["hyryla"])
    assert entry["details"]["small_count_minimum"] == 10


async def test_k_is_the_rounds_export_minimum_and_empty_budgets_need_no_acknowledgement(
    client: httpx.AsyncClient, closed: Closed, tokens: Tokens
) -> None:
    policy = await client.put(f"/rounds/{closed.election.round_id}/results-policy", headers=closed.official,
                              json={"public_exports": False, "min_ballot_class": 5, "min_table_cell": 5})
    assert policy.status_code == 200, policy.text
    hyryla, ranked = closed.election.budgets["hyryla"], closed.election.budgets["ranked"]
    empty = next(b for slug, b in closed.election.budgets.items() if slug not in VOTES)
    for budget_id in (hyryla, ranked, empty):
        assert (await client.post(f"/budgets/{budget_id}/result/confirm", headers=closed.official)).status_code == 200

    assert (await client.post(f"/budgets/{hyryla}/result/publish", headers=closed.official)).status_code == 200
    small = await client.post(f"/budgets/{ranked}/result/publish", headers=closed.official)
    assert small.status_code == 409 and "4 ballots, fewer than the round's minimum of 5" in small.json()["detail"]
    assert (await client.post(f"/budgets/{empty}/result/publish", headers=closed.official)).status_code == 200
    [entry] = await _publish_entries(client, tokens, hyryla)
    assert entry["details"]["small_count_acknowledged"] is False and entry["details"]["small_count_minimum"] == 5
