"""The API explorer: Litestar's Swagger UI page, served from pb's own vendored files under pb's page policy.

Litestar's plugin loads Swagger UI from a CDN and starts it with an inline script; here the page loads the copy
that ``npm ci`` and :mod:`pb.web.vendor` put under ``/static/vendor/`` and a start-up script of pb's own, so that
it runs under the pages' Content-Security-Policy (no inline script or style, nothing from elsewhere).
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.datastructures import ResponseHeader
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.router import Router

from pb.core.settings import Settings
from pb.web.rendering import content_security_policy
from pb.web.static_files import StaticFiles

API_DOCS_PATH = "/swagger"
"""Under the OpenAPI router's ``/schema``: the explorer is at ``/schema/swagger``."""


class ApiDocsPlugin(SwaggerRenderPlugin):
    """Swagger UI on pb's vendored files, with the pages' security headers."""

    def __init__(self, settings: Settings, static: StaticFiles | None = None) -> None:
        super().__init__(path=API_DOCS_PATH, favicon="", style="")
        self.settings = settings
        self.static = static or StaticFiles()

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        url = self.static.url
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{url("vendor/swagger-ui/swagger-ui.css")}">
</head>
<body>
<noscript>The API explorer needs JavaScript. The OpenAPI document itself is at
<a href="{escape(self.get_openapi_json_route(request))}">{escape(self.get_openapi_json_route(request))}</a>.</noscript>
<div id="swagger-ui" data-openapi-url="{escape(self.get_openapi_json_route(request))}"></div>
<script src="{url("vendor/swagger-ui/swagger-ui-bundle.js")}"></script>
<script src="{url("api-docs.js")}"></script>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        """The explorer page gets the pages' Content-Security-Policy (the API's own allows no script at all)."""
        headers = [
            ResponseHeader(name="Content-Security-Policy", value=content_security_policy(self.settings)),
            ResponseHeader(name="Referrer-Policy", value="same-origin"),
        ]
        for route in router.routes:
            for handler in getattr(route, "route_handlers", ()):
                if isinstance(handler, HTTPRouteHandler) and route.path.endswith(API_DOCS_PATH):
                    handler.response_headers = [*(handler.response_headers or ()), *headers]
