"""How the API reads a JSON request body: as JSON only, present where the handler needs one, nested no deeper
than :data:`MAX_DEPTH`, and validated with the strictness each pydantic model declares."""

from __future__ import annotations

from typing import Any

import pydantic
from litestar import Request
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, HTTPException
from litestar.plugins.pydantic import PydanticInitPlugin
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.typing import FieldDefinition
from pydantic_core import ErrorDetails

from pb.core.schemas import FIELDS_DISAGREE
from pb.http.problems import InvalidBody

MAX_DEPTH = 32
"""Far deeper than any of pb's bodies; deeper input would only cost recursion (and at ~1,000 levels, fail in it)."""

TOO_DEEP = f"the JSON body nests deeper than {MAX_DEPTH} levels"


class JsonRequest(Request[Any, Any, Any]):
    """A request whose JSON body is refused (400) when it nests too deeply, rather than decoded into a structure
    that later overflows the stack."""

    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise ClientException(TOO_DEEP) from None
        body = await self.body()
        # Depth can only exceed the limit when the body has more brackets than that: nearly every body is
        # judged by two counts in C, and the walk below runs for the rest.
        if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
            raise ClientException(TOO_DEEP)
        return value


def _deeper_than(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _json_body(request: Request[Any, Any, Any]) -> FieldDefinition | None:
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    media_type = getattr(field.kwarg_definition, "media_type", RequestEncodingType.JSON)
    return field if media_type == RequestEncodingType.JSON else None


def _is_json(media_type: str) -> bool:
    kind, _, subtype = media_type.lower().partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """A handler that reads a JSON body gets one: sent as ``application/json`` (415 otherwise), and not empty
    unless the body is optional. Without this, Litestar parses any body as JSON whatever its media type."""
    field = _json_body(request)
    if field is None:
        return
    body = await request.body()
    if not body:
        if field.is_optional or field.has_default:
            return
        raise ClientException("the request needs a JSON body (Content-Type: application/json)")
    media_type, _ = request.content_type
    if not _is_json(media_type):
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"send the body as application/json, not {media_type or 'without a Content-Type'}",
        )


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _validate(model_type: type[pydantic.BaseModel], value: Any) -> pydantic.BaseModel:
    try:
        return model_type.model_validate(value)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        if any(e["type"] == FIELDS_DISAGREE for e in errors):
            # Litestar's messages keep a key and a text only: the fields involved and the message id would be
            # lost, so these are answered as they are.
            raise InvalidBody(body_errors(errors)) from exc
        # Litestar's own error type is how its signature model learns the fields at fault.
        raise ExtendedMsgSpecValidationError(errors=[dict(e) for e in errors]) from exc


def body_errors(errors: list[ErrorDetails]) -> list[dict[str, Any]]:
    """Pydantic's errors of a body as the validation problem's entries: the field at fault (a dotted path), the
    message, and for a check across fields, every field involved and the message id with its values."""
    found: list[dict[str, Any]] = []
    for error in errors:
        at = [str(part) for part in error["loc"]]
        entry: dict[str, Any] = {"key": ".".join(at), "message": error["msg"], "source": "body"}
        context = error.get("ctx") or {}
        if error["type"] == FIELDS_DISAGREE:
            fields = [".".join([*at, name]) for name in context["fields"]]
            entry |= {"key": fields[0], "fields": fields, "message_id": context["message_id"],
                      "values": context["values"]}
        found.append(entry)
    return found


class ModelStrictnessPlugin(PydanticInitPlugin):
    """Litestar's pydantic integration, except that bodies are validated as each model declares.

    Litestar calls ``model_validate(value, strict=False)``, which overrides the models' strict fields: a ballot's
    ``StrictInt`` points took ``"5"`` and ``true``.
    """

    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[tuple[Any, Any]]:
        return [(_is_model, _validate), *super().decoders(validate_strict)]
