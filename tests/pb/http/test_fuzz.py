"""Property-based fuzzing of the whole API from pb's own OpenAPI document (schemathesis).

Every operation of the document gets a few generated requests, valid and invalid ones, anonymous, with an
official's token and with a resident's session, on the demo world of each database. Any 5xx fails, and so does
an answer whose status, media type or body the document does not describe. Hypothesis draws the examples in a
worker thread and hands each request to the test's event loop, where the app, its engine and the fixtures live.
The number of examples is fixed, and shrinking is off, so that the run stays short; in CI Hypothesis's ``ci``
profile (loaded by itself when ``CI`` is set) makes it derandomized, the same examples every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Clock, Tokens
from tests.factories import DemoWorld
from tests.pb.auth.helpers import resident_headers

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
"""Per operation and caller: about 90 operations, two callers and two databases keep the run under a minute."""
SENT = ("method", "url", "headers", "params", "json", "content", "data")
Send = Callable[[Any], httpx.Response]


def fuzz(document: dict[str, Any], send: Send, scheme: str | None, at_least: int) -> list[str]:
    """Every operation's examples in each generation mode (only the operations that accept ``scheme``, when one is
    named); the failures, one paragraph per operation and mode."""
    failures: list[str] = []
    tried = 0
    for result in schemathesis.openapi.from_dict(document).get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document is valid (tests/pb/test_openapi.py)
        operation = result.ok()
        if scheme is not None and not any(scheme in option for option in operation.definition.raw.get("security", [])):
            continue
        tried += 1
        for mode, count in EXAMPLES.items():
            try:
                _examples(operation, mode, count, send)()
            except Unsatisfiable:
                if mode is GenerationMode.POSITIVE:
                    raise
                # An operation that takes nothing (GET /health) has no invalid request to make.
            except (Exception, BaseExceptionGroup) as exc:  # every operation runs; failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert tried >= at_least, f"only {tried} operations tried"
    return failures


def _examples(operation: Any, mode: GenerationMode, count: int, send: Send) -> Callable[[], None]:
    @settings(
        max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def examples(case: Any) -> None:
        case.validate_response(send(case), checks=CHECKS)

    return examples


async def run(
    app: Litestar, client: httpx.AsyncClient, headers: dict[str, str], scheme: str | None = None, at_least: int = 80
) -> None:
    loop = asyncio.get_running_loop()

    async def request(case: Any) -> httpx.Response:
        kwargs = {
            key: value
            for key, value in case.as_transport_kwargs(base_url=str(client.base_url), headers=headers).items()
            if key in SENT
        }
        if isinstance(kwargs.get("data"), bytes | str):  # httpx takes a raw body as content
            kwargs["content"] = kwargs.pop("data")
        return await client.request(**kwargs)

    def send(case: Any) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(request(case), loop).result()

    failures = await asyncio.to_thread(fuzz, app.openapi_schema.to_schema(), send, scheme, at_least)
    assert failures == [], "\n\n".join(failures)


@pytest.mark.slow
async def test_the_api_holds_for_anonymous_callers(app: Litestar, client: httpx.AsyncClient, world: DemoWorld) -> None:
    await run(app, client, {})


@pytest.mark.slow
async def test_the_api_holds_for_an_official(
    app: Litestar, client: httpx.AsyncClient, tokens: Tokens, world: DemoWorld
) -> None:
    await run(app, client, await tokens.headers("official", municipality_id=world.municipality_id))


@pytest.mark.slow
async def test_the_api_holds_for_a_resident(
    app: Litestar, client: httpx.AsyncClient, engine: AsyncEngine, clock: Clock, world: DemoWorld
) -> None:
    # A Hyrylä resident of voting age: the round of the demo world is open for voting, so casts go deep. Only the
    # operations that take a session: elsewhere a resident is an anonymous caller or a 403, tried above.
    headers = await resident_headers(engine, app.state.settings, clock, national_id=None)
    # 18 operations take a session: those of residents (officials' endpoints declare their roles, so the
    # document offers them an API token only).
    await run(app, client, headers, scheme="sessionToken", at_least=15)
