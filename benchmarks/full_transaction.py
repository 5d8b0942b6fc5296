"""``pb serve`` with the first-cast path turned off, for the full-transaction scenario of benchmarks/cast.py.

Every cast then takes the full transaction (:func:`pb.voting.service.cast_ballot`), as a first cast does when its
worker has not yet seen the budget open, and as every cast would without the first-cast path. Usage (as
benchmarks/cast.py runs it): ``python benchmarks/full_transaction.py --host H --port P --workers N``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from litestar import Litestar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pb.voting.service
from pb.asgi import create as create_pb
from pb.cli.workers import serve
from pb.core.settings import Settings
from pb.http.accesslog import uvicorn_log_config


def without_first_cast() -> None:
    """Make the first-cast path decline every cast, as it does for a budget it has not seen open."""

    async def declined(*_args: Any, **_kwargs: Any) -> None:
        return None

    pb.voting.service.try_first_cast = declined  # type: ignore[attr-defined]


def create() -> Litestar:
    """pb's ASGI app (pb.asgi:create) in a worker whose casts all take the full transaction."""
    without_first_cast()
    return create_pb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    # As pb serve starts its workers (pb.cli.serve), with this module's app.
    serve("full_transaction:create", factory=True, host=args.host, port=args.port, workers=args.workers,
          log_level=Settings().log_level.lower(), proxy_headers=False, log_config=uvicorn_log_config())


if __name__ == "__main__":
    main()
