"""uvicorn's access log without query strings (SECURITY.md S2).

Query strings carry secrets: the sign-in callback's ``code`` and ``state``, and whatever a client puts there. The
access log keeps method, path and status, never the query.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

PATH_ARG = 2
"""Position of the request target in uvicorn's access-log arguments: (client, method, path?query, version, status)."""


def strip_query(target: str) -> str:
    """The request target without its query string (and without a fragment, should a client send one)."""
    return target.split("?", 1)[0].split("#", 1)[0]


class DropQueryString(logging.Filter):
    """Removes the query string from uvicorn access-log records before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        target = args[PATH_ARG] if isinstance(args, tuple) and len(args) > PATH_ARG else None
        if isinstance(args, tuple) and isinstance(target, str):
            record.args = (*args[:PATH_ARG], strip_query(target), *args[PATH_ARG + 1:])
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with :class:`DropQueryString` on the access logger.

    Passed to ``uvicorn.run(log_config=...)``, so every worker process installs the filter when it sets up logging.
    """
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_string"] = {"()": f"{__name__}.DropQueryString"}
    config["loggers"]["uvicorn.access"]["filters"] = ["drop_query_string"]
    return config
