"""Every results endpoint, every kind of caller: exactly the expected status (as tests/pb/test_access.py does
for the foundation). One closed round is walked through tally, review, confirm, publish, policy, export,
progress and the audit log, each endpoint tried by each caller in turn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from pb.core.models import Role
from tests.conftest import Tokens
from tests.factories import DemoWorld
from tests.pb.results.conftest import Closed
from tests.pb.test_access import CALLERS, caller_headers

MANAGERS = frozenset({"admin", "official"})
EVERYONE = frozenset(CALLERS)
ACK = {"acknowledge_small_count": True}


@dataclass(frozen=True)
class Expect:
    allowed: frozenset[str]
    anonymous: int = 401
    """What an anonymous caller gets when not allowed: 401 where credentials are required, 403 where optional."""

    def status(self, caller: str) -> int:
        if caller in self.allowed:
            return 200
        return self.anonymous if caller == "anonymous" else 403


class Matrix:
    def __init__(self, client: httpx.AsyncClient, world: DemoWorld, tokens: Tokens) -> None:
        self.client, self.world, self.tokens = client, world, tokens
        self.got: dict[str, dict[str, int]] = {}
        self.expected: dict[str, dict[str, int]] = {}

    async def run(
        self, name: str, expect: Expect, method: str, url: str, body: Any = None, targets: list[int] | None = None
    ) -> None:
        """Each caller in turn; with ``targets``, ``url`` has ``{target}`` and a success uses the target up."""
        got = {}
        for caller in CALLERS:
            target_url = url.format(target=targets[0]) if targets else url
            headers = await caller_headers(caller, self.world, self.tokens)
            response = await self.client.request(method, target_url, json=body, headers=headers)
            got[caller] = 200 if response.is_success else response.status_code
            if response.is_success and targets:
                targets.pop(0)
        self.got[name] = got
        self.expected[name] = {caller: expect.status(caller) for caller in CALLERS}


async def test_each_role_gets_exactly_the_access_it_should_on_every_results_endpoint(
    client: httpx.AsyncClient, closed: Closed, world: DemoWorld, tokens: Tokens
) -> None:
    admin = await tokens.headers(Role.ADMIN)
    round_id = closed.election.round_id
    budgets = closed.election.budgets
    hyryla = budgets["hyryla"]
    others = [b for slug, b in sorted(budgets.items()) if slug != "hyryla"]
    m = Matrix(client, world, tokens)

    policy = {"public_exports": False, "min_ballot_class": 10, "min_table_cell": 5}
    await m.run("results policy", Expect(MANAGERS), "PUT", f"/rounds/{round_id}/results-policy", policy)
    await m.run("read results policy", Expect(MANAGERS | {"researcher"}), "GET", f"/rounds/{round_id}/results-policy")
    await m.run("tally", Expect(MANAGERS), "POST", f"/rounds/{round_id}/tally")
    await m.run("review result", Expect(MANAGERS), "GET", f"/budgets/{hyryla}/result")
    confirm_targets = [hyryla, *others[:2]]  # one more than the managers, so refusals after them have a target
    await m.run("confirm", Expect(MANAGERS), "POST", "/budgets/{target}/result/confirm", targets=confirm_targets)
    for budget_id in [*confirm_targets, *others[2:]]:
        response = await client.post(f"/budgets/{budget_id}/result/confirm", headers=admin)
        assert response.status_code == 200, response.text
    publish_targets = [hyryla, *others[:2]]
    await m.run("publish", Expect(MANAGERS), "POST", "/budgets/{target}/result/publish", ACK, publish_targets)
    for budget_id in [*publish_targets, *others[2:]]:
        response = await client.post(f"/budgets/{budget_id}/result/publish", headers=admin, json=ACK)
        assert response.status_code == 200, response.text

    await m.run("export", Expect(frozenset({"researcher", "admin"}), anonymous=403), "GET",
                f"/budgets/{hyryla}/export?format=csv&table=ballots")
    projects = {p["code"]: p["id"] for p in (await client.get(f"/budgets/{hyryla}/projects")).json()}
    funded = projects[(await client.get(f"/budgets/{hyryla}/results")).json()["selected"][0]]
    await m.run("report progress", Expect(MANAGERS | {"coordinator"}), "POST", f"/projects/{funded}/progress",
                {"status": "in_progress", "percent": 10, "note": {"fi": "Aloitettu"}})
    await m.run("progress feed", Expect(EVERYONE), "GET", f"/projects/{funded}/progress")
    await m.run("audit log", Expect(frozenset({"auditor", "admin"})), "GET", "/audit")
    await m.run("audit verify", Expect(frozenset({"auditor", "admin"})), "GET", "/audit/verify")
    await m.run("manifest", Expect(EVERYONE), "GET", f"/rounds/{round_id}/manifest")
    await m.run("keys", Expect(EVERYONE), "GET", "/.well-known/pb-keys.json")
    await m.run("public results", Expect(EVERYONE), "GET", f"/budgets/{hyryla}/results")
    await m.run("chart", Expect(EVERYONE), "GET", f"/budgets/{hyryla}/results/charts/votes")

    assert m.got == m.expected
    # Public exports (a policy set before publication): tests/pb/research/test_policy.py.
