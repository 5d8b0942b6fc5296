"""The web pages for residents (and, later, officials): server-rendered HTML on the same services as the API."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from pb.web.router import web_router
from pb.web.static_files import StaticFiles, static_router
from pb.web.templating import create_environment


def web_handlers() -> list[Any]:
    """The pages and their static files, for the app's route handlers."""
    return [web_router(), static_router()]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(create_environment(StaticFiles())))
