"""RFC 9457 problem details: how domain errors, validation errors and failures reach HTTP callers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions import NotFoundException as LitestarNotFound
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError, IntegrityError

from pb.core.errors import Money, PbError, fill
from pb.http.media import PROBLEM_JSON
from pb.i18n.locales import Locale, as_locale, parse_accept_language
from pb.i18n.translator import translator

log = logging.getLogger("pb.errors")


def problem_language(request: Request[Any, Any, Any]) -> Locale:
    """The language of a problem's title and detail: the caller's Accept-Language, else English.

    API clients that ask for nothing keep getting English (the message ids); browsers name their languages.
    """
    for tag in parse_accept_language(request.headers.get("accept-language")):
        if (locale := as_locale(tag)) is not None:
            return locale
    return "en"


def problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    field: str | None = None,
    values: dict[str, Any] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    """A problem-details answer; ``title`` and ``detail`` are English message ids, translated for the caller."""
    language = problem_language(request)
    words = translator(language)
    shown = {k: words.money(v.cents) if isinstance(v, Money) else words.date(v) if isinstance(v, date) else v
             for k, v in (values or {}).items()}
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": words.translations.gettext(title),
        "status": status,
        "detail": fill(words.translations.gettext(detail), shown),
        "instance": request.url.path,
        "code": code,
    }
    if field is not None:
        body["field"] = field
    body.update(extra)
    headers = {"Content-Language": language, "Vary": "Accept-Language"}
    if status in (429, 503):
        headers["Retry-After"] = str(extra.get("retry_after", 5))
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def handle_pb_error(request: Request[Any, Any, Any], exc: PbError) -> Response[dict[str, Any]]:
    localized = exc.localized(translator(problem_language(request)))
    # A localized text also fills the detail's placeholder of its name: the detail is in one language throughout.
    told = {k: v for k, v in localized.items() if isinstance(v, str)}
    return problem(
        request, status=exc.status, code=exc.code, title=exc.title, detail=exc.template, field=exc.field,
        values={**exc.extra, **told}, **{**exc.members(), **localized},
    )


def _field_of(error: dict[str, Any]) -> str | None:
    key = error.get("key")
    return str(key) if key else None


class InvalidBody(Exception):
    """A body's validation errors with more than Litestar keeps of them (a key and a text): the fields a check
    across fields involves, and its message id (pb.http.request_body). Not a ValueError, which msgspec would turn
    back into a bare text."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid body")
        self.errors = errors


def handle_invalid_body(request: Request[Any, Any, Any], exc: InvalidBody) -> Response[dict[str, Any]]:
    return _validation_problem(request, exc.errors, "invalid body")


def handle_validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    found = [e for e in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(e, dict)]
    return _validation_problem(request, found, str(exc.detail))


def _validation_problem(request: Request[Any, Any, Any], found: list[dict[str, Any]], fallback: str
                        ) -> Response[dict[str, Any]]:
    words = translator(problem_language(request))
    errors = [_entry(e, words.translations.gettext) for e in found]
    if not errors:
        return problem(request, status=422, code="invalid_input", title="Invalid input", detail=fallback)
    first, raw = errors[0], found[0]
    if "fields" in first:
        # A check across fields says what is wrong in its own (translated) words and names every field involved.
        return problem(request, status=422, code="invalid_input", title="Invalid input",
                       detail=str(raw["message_id"]), values=raw.get("values"), field=first["field"],
                       fields=first["fields"], errors=errors)
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return problem(request, status=422, code="invalid_input", title="Invalid input", detail=detail,
                   field=first["field"], errors=errors)


def _entry(error: dict[str, Any], gettext: Callable[[str], str]) -> dict[str, Any]:
    if "fields" not in error:
        return {"field": _field_of(error), "message": str(error.get("message", "invalid"))}
    return {"field": _field_of(error), "message": fill(gettext(str(error["message_id"])), error.get("values") or {}),
            "fields": list(error["fields"])}


def handle_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    codes: dict[type[HTTPException], tuple[str, str]] = {
        NotAuthorizedException: ("unauthorized", "Authentication required"),
        PermissionDeniedException: ("forbidden", "Forbidden"),
        LitestarNotFound: ("not_found", "Not found"),
    }
    code, title = codes.get(type(exc), ("http_error", exc.__class__.__name__))
    if exc.status_code == 405:
        code, title = "method_not_allowed", "Method not allowed"
    elif exc.status_code == 413:
        code, title = "too_large", "Request body too large"
    elif exc.status_code == 415:
        code, title = "unsupported_media_type", "Unsupported media type"
    elif exc.status_code == 400:
        code, title = "bad_request", "Bad request"
    return problem(request, status=exc.status_code, code=code, title=title, detail=str(exc.detail))


def handle_integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    # A constraint stopped a concurrent or duplicate write; the database text may name internals, so it is
    # logged, not returned.
    log.info("integrity error on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
    return problem(
        request,
        status=409,
        code="conflict",
        title="Conflict",
        detail="the request conflicts with data already stored",
    )


def handle_database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[dict[str, Any]]:
    if not exc.connection_invalidated:
        return handle_internal_error(request, exc)
    # The database connection was lost (a restart, a failover): the pool has been invalidated and the next
    # request gets a fresh connection, so the client may simply retry.
    log.warning("database connection lost on %s %s", request.method, request.url.path)
    return problem(
        request,
        status=503,
        code="database_unavailable",
        title="Service unavailable",
        detail="the database connection was lost; try again",
        retry_after=1,
    )


def handle_internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        status=HTTP_500_INTERNAL_SERVER_ERROR,
        code="internal_error",
        title="Internal error",
        detail="the server could not complete the request",
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    PbError: handle_pb_error,
    ValidationException: handle_validation_error,
    InvalidBody: handle_invalid_body,
    HTTPException: handle_http_error,
    IntegrityError: handle_integrity_error,
    DBAPIError: handle_database_error,
    Exception: handle_internal_error,
}
