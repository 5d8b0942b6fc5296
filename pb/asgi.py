"""The ASGI entry point for servers: ``uvicorn --factory pb.asgi:create``."""

from __future__ import annotations

import gc

from litestar import Litestar

from pb.app import create_app
from pb.core.settings import Settings


def create() -> Litestar:
    app = create_app(Settings())
    # Everything built so far (modules, the app, its routes and models) lives as long as the process: moved out
    # of the collector's reach, a full collection no longer walks it, which had paused a worker for over 100 ms
    # under load (the p99 of benchmarks/cast.py). Garbage is collected first, or it would be kept for good.
    gc.collect()
    gc.freeze()
    return app
