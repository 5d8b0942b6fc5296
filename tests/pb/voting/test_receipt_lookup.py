"""Looking a receipt up on the board: what a voter holding an old or mistyped receipt is told, and no more."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock
from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, close_voting


async def test_a_replaced_receipt_is_explained_exactly_as_an_unknown_one(
    client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, election: Election, sign_in: SignIn,
) -> None:
    resident = await sign_in()
    replaced = (await cast(client, election, "hyryla", ["A"], resident)).json()["receipt"]
    latest = (await cast(client, election, "hyryla", ["B"], resident)).json()["receipt"]
    await close_voting(engine, clock, election)

    old = await client.get(f"/board/receipts/{replaced}")
    unknown = await client.get(f"/board/receipts/{'f' * 64}")

    assert (await client.get(f"/board/receipts/{latest}")).status_code == 200
    assert old.status_code == unknown.status_code == 404
    assert old.json()["detail"] == unknown.json()["detail"]
    # A voter who kept the receipt of a ballot they changed learns why it is missing (a coercer no more).
    assert "latest ballot counts" in old.json()["detail"]
    assert "mistyped" in old.json()["detail"]
