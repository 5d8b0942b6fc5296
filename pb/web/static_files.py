"""The pages' own and vendored static files, served under /static with URLs that change when a file does."""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar.datastructures import CacheControlHeader
from litestar.router import Router
from litestar.static_files import create_static_files_router

STATIC = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
YEAR_S = 365 * 24 * 3600


class StaticFiles:
    """Hashes each file once per process, so that ``url("pb.css")`` is ``/static/pb.css?v=<hash>``."""

    def __init__(self, directory: Path = STATIC) -> None:
        self.directory = directory
        self._versions: dict[str, str] = {}

    def url(self, name: str) -> str:
        version = self._versions.get(name)
        if version is None:
            path = (self.directory / name).resolve()
            if not path.is_relative_to(self.directory) or not path.is_file():
                raise FileNotFoundError(f"no static file {name!r}: did ./dev copy the vendor assets?")
            version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            self._versions[name] = version
        return f"{STATIC_PATH}/{name}?v={version}"


def static_router() -> Router:
    """Files are immutable under their versioned URL; a new version gets a new URL."""
    return create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC],
        name="static",
        include_in_schema=False,
        cache_control=CacheControlHeader(public=True, max_age=YEAR_S, immutable=True),
        send_as_attachment=False,
    )
