"""Liveness and readiness: is the service up and can it reach its database."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Response
from sqlalchemy import text

from pb import __version__
from pb.core.db import SessionMaker


@get("/health", tags=["health"], operation_id="getHealth", summary="Check the service and its database", responses={
    503: ResponseSpec(
        dict[str, str], generate_examples=False, description="The database does not answer; see `Retry-After`."
    ),
})
async def health(state: State) -> Response[dict[str, Any]]:
    """Liveness and readiness for load balancers and monitors: 200 with `status: ok` when the database answers, 503
    with `Retry-After` when it does not. No sign-in needed."""
    sessionmaker: SessionMaker = state.sessionmaker
    try:
        async with sessionmaker() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:  # any failure to reach the database means "not ready"; the reason goes to the log
        return Response({"status": "unavailable", "database": "unreachable", "version": __version__},
                        status_code=503, headers={"Retry-After": "5"})
    return Response({"status": "ok", "database": "ok", "version": __version__})
