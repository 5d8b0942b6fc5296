"""The API explorer page: Swagger UI from pb's own vendored files, under the pages' Content-Security-Policy."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from litestar import Litestar

from pb.app import create_app
from pb.core.settings import Settings
from pb.web.rendering import content_security_policy
from pb.web.static_files import STATIC
from pb.web.vendor import COPIES
from tests.conftest import asgi_transport


def _app(tmp_path: Path) -> Litestar:
    # The page does not touch the database: an engine on an empty SQLite file is never connected.
    return create_app(Settings(env="test", database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}"),
                      run_scheduler=False)


async def test_the_explorer_loads_only_pb_s_files_under_the_pages_policy(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with httpx.AsyncClient(transport=asgi_transport(app), base_url="http://pb.test") as client:
        page = await client.get("/schema/swagger")
        document = await client.get("/schema/openapi.json")
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        fetched = [await client.get(url) for url in assets if url.startswith("/static/")]

    assert page.status_code == 200
    assert page.headers["content-security-policy"] == content_security_policy(app.state.settings)
    assert "<script>" not in page.text and "<style" not in page.text and " style=" not in page.text
    assert all(url.startswith("/") for url in assets if url != "data:,"), assets
    assert {url.split("?")[0] for url in assets} >= {
        "/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/api-docs.js",
    }
    assert [answer.status_code for answer in fetched] == [200] * len(fetched)
    # The document itself keeps the API's policy, which allows no script at all.
    assert document.headers["content-security-policy"].startswith("default-src 'none'")


def test_swagger_ui_is_vendored_from_npm() -> None:
    copied = {target for source, target in COPIES.items() if source.startswith("swagger-ui-dist/")}
    assert copied == {"swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css"}
    assert all((STATIC / "vendor" / target).is_file() for target in copied)
