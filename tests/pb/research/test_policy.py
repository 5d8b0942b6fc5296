"""A round's results policy: read with GET, replaced whole with PUT (every field required, nothing reset by being
left out), frozen (409) once a budget is published; each role gets exactly the access it should."""

from __future__ import annotations

import httpx

from tests.conftest import Tokens
from tests.factories import DemoWorld
from tests.pb.results.conftest import Closed, publish_all
from tests.pb.test_access import CALLERS, caller_headers

POLICY = {"public_exports": False, "min_ballot_class": 7, "min_table_cell": 3}
ACK = {"acknowledge_small_count": True}


async def test_put_replaces_the_whole_policy_and_is_refused_once_a_budget_is_published(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    url, official = f"/rounds/{closed.election.round_id}/results-policy", closed.official
    defaults = await client.get(url, headers=official)
    assert defaults.status_code == 200, defaults.text
    assert defaults.json() == {"round_id": closed.election.round_id, "public_exports": False,
                               "min_ballot_class": 10, "min_table_cell": 5, "frozen": False}
    assert (await client.put(url, headers=official, json=POLICY)).status_code == 200
    partial = await client.put(url, headers=official, json={"public_exports": True})
    assert partial.status_code == 422 and partial.json()["field"] in ("min_ballot_class", "min_table_cell")
    too_small = await client.put(url, headers=official, json={**POLICY, "min_table_cell": 1})
    assert too_small.status_code == 422 and too_small.json()["field"] == "min_table_cell"
    loose = await client.put(url, headers=official, json={**POLICY, "public_exports": "yes"})
    assert loose.status_code == 422 and loose.json()["field"] == "public_exports"
    assert (await client.get(url, headers=official)).json() == {
        "round_id": closed.election.round_id, **POLICY, "frozen": False}

    budget_id = closed.election.budgets["hyryla"]
    for step, body in (("confirm", None), ("publish", ACK)):
        response = await client.post(f"/budgets/{budget_id}/result/{step}", headers=official, json=body)
        assert response.status_code == 200, response.text
    frozen = await client.put(url, headers=official, json={**POLICY, "min_table_cell": 10})
    assert frozen.status_code == 409, frozen.text
    problem = frozen.json()
    assert problem["code"] == "results_policy_frozen" and problem["round_id"] == closed.election.round_id
    assert frozen.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(url, headers=official)).json() == {
        "round_id": closed.election.round_id, **POLICY, "frozen": True}


async def test_each_role_gets_exactly_its_access_to_the_results_policy(
    client: httpx.AsyncClient, closed: Closed, world: DemoWorld, tokens: Tokens
) -> None:
    url = f"/rounds/{closed.election.round_id}/results-policy"
    readers, managers = {"admin", "official", "researcher"}, {"admin", "official"}

    def expected(allowed: set[str], allowed_status: int = 200) -> dict[str, int]:
        return {c: allowed_status if c in allowed else 401 if c == "anonymous" else 403 for c in CALLERS}

    got: dict[str, dict[str, int]] = {"get": {}, "put": {}, "put published": {}}
    for caller in CALLERS:
        headers = await caller_headers(caller, world, tokens)
        got["get"][caller] = (await client.get(url, headers=headers)).status_code
        got["put"][caller] = (await client.put(url, headers=headers, json=POLICY)).status_code
    await publish_all(client, closed)
    for caller in CALLERS:
        headers = await caller_headers(caller, world, tokens)
        got["put published"][caller] = (await client.put(url, headers=headers, json=POLICY)).status_code
    assert got == {"get": expected(readers), "put": expected(managers),
                   "put published": expected(managers, 409)}


async def test_a_policy_made_public_before_publication_lets_anyone_download(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    url = f"/rounds/{closed.election.round_id}/results-policy"
    response = await client.put(url, headers=closed.official, json={**POLICY, "public_exports": True})
    assert response.status_code == 200, response.text
    await publish_all(client, closed)
    budget_id = closed.election.budgets["hyryla"]
    for query in ("format=pb", "format=csv&table=ballots"):
        assert (await client.get(f"/budgets/{budget_id}/export?{query}")).status_code == 200, query
