"""The web pages for residents (and, later, officials): server-rendered HTML on the same services as the API."""

from __future__ import annotations

from typing import Any

from litestar.config.compression import CompressionConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from pb.web.router import web_router
from pb.web.static_files import STATIC_PATH, StaticFiles, static_router
from pb.web.templating import create_environment


def web_handlers() -> list[Any]:
    """The pages and their static files, for the app's route handlers."""
    return [web_router(), static_router()]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(create_environment(StaticFiles())))


def compression_config() -> CompressionConfig:
    """gzip for the pages' static files only (CSS and scripts shrink to a fifth; fonts are compressed already).

    Pages and API answers stay uncompressed: pages carry the session's form token and echo what visitors typed
    (searches, ballots, receipts), and compressing secrets beside attacker-chosen text leaks them through the
    response size (BREACH). The ballot page is small enough without it (benchmarks/web.py).
    """
    # Every path but /static/...: the pattern lists what is left uncompressed.
    return CompressionConfig(backend="gzip", gzip_compress_level=6, minimum_size=1024,
                             exclude=f"^/(?!{STATIC_PATH.lstrip('/')}/).")
