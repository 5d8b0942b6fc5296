"""The ASGI entry point for servers: ``uvicorn --factory pb.asgi:create``."""

from __future__ import annotations

from litestar import Litestar

from pb.app import create_app
from pb.settings import Settings


def create() -> Litestar:
    return create_app(Settings())
