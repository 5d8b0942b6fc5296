"""The OpenAPI document reads well: every operation has its own declared id, every controller its own path."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from litestar import Controller, Litestar
from litestar.handlers import HTTPRouteHandler
from openapi_spec_validator import validate

from pb.app import create_app
from pb.core.settings import Settings
from pb.http.openapi import PROBLEMS

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    # The document does not touch the database: an engine on an empty SQLite file is never connected.
    database = Path(tmp_path_factory.mktemp("openapi")) / "unused.sqlite3"
    return create_app(Settings(env="test", database_url=f"sqlite+aiosqlite:///{database}"), run_scheduler=False)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def test_every_operation_has_a_unique_operation_id(app: Litestar) -> None:
    listed = operations(app.openapi_schema.to_schema())
    assert len(listed) > 80
    missing = [f"{method} {path}" for method, path, operation in listed if not operation.get("operationId")]
    counts = Counter(operation["operationId"] for _, _, operation in listed if operation.get("operationId"))
    assert missing == []
    assert [op for op, n in counts.items() if n > 1] == []


def test_every_handler_in_the_document_declares_its_operation_id(app: Litestar) -> None:
    undeclared = sorted(
        f"{sorted(handler.http_methods)} {path}"
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler) and handler.resolve_include_in_schema()
        for path in [route.path]
        if not isinstance(handler.operation_id, str)
    )
    assert undeclared == []


def test_every_controller_declares_its_path() -> None:
    controllers = [cls for cls in _subclasses(Controller) if cls.__module__.startswith("pb.")]
    assert len(controllers) > 20
    assert [f"{c.__module__}.{c.__name__}" for c in controllers if "path" not in vars(c)] == []


def _subclasses(cls: type[Controller]) -> list[type[Controller]]:
    found: list[type[Controller]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_the_document_is_valid_openapi(app: Litestar) -> None:
    validate(app.openapi_schema.to_schema())


def test_every_operation_says_what_it_does_for_a_newcomer(app: Litestar) -> None:
    listed = operations(app.openapi_schema.to_schema())
    generated = {
        f"{method} {path}": re.sub(r"[_\s]", "", handler.handler_name.title())
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler)
        for method in handler.http_methods
        for path in [route.path_format]
    }
    lacking = [
        f"{method} {path}"
        for method, path, operation in listed
        if not operation.get("operationId")
        or not operation.get("summary")
        # Litestar's fallback summary is the handler's name ("ListRounds"), which says nothing new.
        or operation["summary"] == generated.get(f"{method} {path}")
        or len(operation.get("description") or "") < 20
    ]
    assert lacking == []


def test_the_document_declares_the_credentials_pb_accepts(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiToken"] == {**schemes["apiToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionToken"] == {**schemes["sessionToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"] == {
        **schemes["sessionCookie"], "type": "apiKey", "in": "cookie", "name": "__Host-pb_session"
    }
    assert schemes["csrfToken"] == {**schemes["csrfToken"], "type": "apiKey", "in": "header", "name": "X-CSRF-Token"}
    security = {f"{method} {path}": operation.get("security") for method, path, operation in operations(document)}
    staff: list[dict[str, list[str]]] = [{"apiToken": []}]
    signed_in_write: list[dict[str, list[str]]] = [{"sessionToken": []}, {"sessionCookie": [], "csrfToken": []}]
    assert security["POST /rounds"] == staff
    assert security["GET /rounds"] is None  # public
    assert security["POST /budgets/{budget_id}/ballot"] == signed_in_write
    assert security["GET /auth/me"] == [{"sessionToken": []}, {"sessionCookie": []}]
    assert security["POST /proposals"] == [{"apiToken": []}, *signed_in_write]
    assert security["GET /budgets/{budget_id}/export"] == [
        {}, {"apiToken": []}, {"sessionToken": []}, {"sessionCookie": []}
    ]


def test_errors_are_documented_as_problem_details(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    responses = document["components"]["responses"]
    for listed in responses.values():
        assert list(listed["content"]) == ["application/problem+json"]
    for method, path, operation in operations(document):
        codes = operation["responses"]
        assert "default" in codes, f"{method} {path}"
        assert all(
            codes[code] == {"$ref": f"#/components/responses/{name}"}
            for code, (name, _) in PROBLEMS.items() if code in codes
        ), f"{method} {path}: {codes}"
        if operation.get("security") and {} not in operation["security"]:
            assert {"401", "403"} <= set(codes), f"{method} {path}"
        # Nothing follows a 204: no media type for it (POST /auth/logout had JSON null).
        assert "content" not in codes.get("204", {}), f"{method} {path}"


def test_request_bodies_say_that_unknown_fields_are_refused(app: Litestar) -> None:
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    bodies = {name for name, schema in schemas.items() if name in {"RoundCreate", "BallotCast", "BudgetUpdate"}}
    assert bodies == {"RoundCreate", "BallotCast", "BudgetUpdate"}
    assert [name for name in sorted(bodies) if schemas[name].get("additionalProperties") is not False] == []
    # Answers may grow new fields without breaking their readers.
    assert "additionalProperties" not in schemas["RoundPublic"]


def test_sign_in_documents_its_redirects(app: Litestar) -> None:
    paths = app.openapi_schema.to_schema()["paths"]
    assert {"302", "307"} <= set(paths["/auth/login"]["get"]["responses"])
    assert "200" not in paths["/auth/login"]["get"]["responses"]
    callback = paths["/auth/callback"]["get"]["responses"]
    assert callback["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SignedIn"}
    assert "303" in callback
