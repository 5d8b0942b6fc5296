"""The OpenAPI document says what pb really does: who may call each operation, and how errors look.

Each operation's security is derived from the dependency that authenticates its caller, so the document cannot
drift from the checks; its error answers are RFC 9457 problem details (:mod:`pb.http.problems`), never the
framework's own error shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.typing import FieldDefinition

from pb.core.models import Role
from pb.http.dependencies import (
    CSRF_COOKIE,
    CSRF_HEADER,
    ROLES_OPT,
    SAFE_METHODS,
    SESSION_COOKIE,
    provide_credential,
    provide_principal,
    provide_resident,
)
from pb.http.media import PROBLEM_JSON
from pb.proposals.dependencies import provide_participant
from pb.research.routes import provide_optional_principal

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

# The security schemes' names in the document (names, not secrets).
API_TOKEN = "apiToken"  # noqa: S105
SESSION_TOKEN = "sessionToken"  # noqa: S105
SESSION_COOKIE_SCHEME = "sessionCookie"
CSRF_TOKEN = "csrfToken"  # noqa: S105

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    API_TOKEN: SecurityScheme(
        type="http", scheme="bearer", bearer_format="JWT",
        description=(
            "An API token of an official, coordinator, researcher, auditor or administrator, issued with "
            "`pb token --role ROLE --subject WHO [--municipality SLUG]` and sent as `Authorization: Bearer TOKEN`. "
            "It expires after `PB_TOKEN_TTL_DAYS`; `pb revoke-token JTI` revokes it."
        ),
    ),
    SESSION_TOKEN: SecurityScheme(
        type="http", scheme="bearer", bearer_format="JWT",
        description=(
            "A resident's session token: sign in at `GET /auth/login`, and `GET /auth/callback` answers it as "
            "`token`. Send it as `Authorization: Bearer TOKEN`; it is short-lived and `POST /auth/logout` ends it."
        ),
    ),
    SESSION_COOKIE_SCHEME: SecurityScheme(
        type="apiKey", security_scheme_in="cookie", name=SESSION_COOKIE,
        description=(
            "The same session as an HttpOnly cookie, which a browser gets at the end of the sign-in. Writes made "
            f"with the cookie also need the CSRF token (`{CSRF_TOKEN}`)."
        ),
    ),
    CSRF_TOKEN: SecurityScheme(
        type="apiKey", security_scheme_in="header", name="X-CSRF-Token",
        description=(
            f"With the session cookie, every write repeats the value of the `{CSRF_COOKIE}` cookie in the "
            f"`{CSRF_HEADER}` header (it is also `csrf_token` in the sign-in's answer)."
        ),
    ),
}

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    description=(
        "An RFC 9457 problem detail. `title` and `detail` follow Accept-Language (fi, sv or en); `code` is stable; "
        "`field` names the input at fault when there is one, and members named in the detail come as their own."
    ),
    required=["type", "title", "status", "detail", "instance", "code"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, description="`/problems/{code}`"),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER, minimum=400, maximum=599),
        "detail": Schema(type=OpenAPIType.STRING),
        "instance": Schema(type=OpenAPIType.STRING, description="The request's path."),
        "code": Schema(type=OpenAPIType.STRING, description="A stable identifier of the problem, such as `not_found`."),
        "field": Schema(type=OpenAPIType.STRING, description="The parameter or body member at fault."),
        "errors": Schema(
            type=OpenAPIType.ARRAY, description="Every invalid input, when there are several.",
            items=Schema(type=OpenAPIType.OBJECT, properties={
                "field": Schema(one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.NULL)]),
                "message": Schema(type=OpenAPIType.STRING),
            }),
        ),
    },
)


def _problem(description: str) -> OpenAPIResponse:
    return OpenAPIResponse(description=description, content={PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM_SCHEMA)})


PROBLEMS: dict[str, tuple[str, str]] = {
    "400": ("MalformedBody", "The body is not well-formed JSON."),
    "401": ("Unauthenticated", "No credentials, or ones that are not valid (expired, revoked, or of another kind)."),
    "403": ("Forbidden", "The caller's role, municipality or network may not do this."),
    "404": ("NotFound", "Nothing has this id, or the caller may not learn that it exists."),
    "413": ("TooLarge", "The body is larger than the service accepts."),
    "415": ("UnsupportedMediaType", "The body is not sent as `application/json`."),
    "422": ("InvalidInput", "A parameter or body member is invalid; `field` names it."),
    "default": ("Problem", (
        "Any other refusal, as a problem detail: 409 when the round's phase or the data's state forbids it, "
        "429 (with Retry-After) when a limit is reached, 503 when the database is unavailable."
    )),
}
RESPONSES: dict[str, OpenAPIResponse | Reference] = {name: _problem(text) for name, text in PROBLEMS.values()}
COMPONENTS = Components(security_schemes=SECURITY_SCHEMES, responses=RESPONSES)


def _ref(code: str) -> Reference:
    return Reference(ref=f"#/components/responses/{PROBLEMS[code][0]}")


@dataclass
class PbOperation(Operation):
    """An operation whose error answers are pb's problem details, listed by what the operation takes."""

    def __post_init__(self) -> None:
        responses = dict(self.responses or {})
        # The framework's own 400 describes its error shape, which pb never sends (validation errors are 422).
        responses.pop("400", None)
        # A 204 has no body (RFC 9110), whatever the handler's annotation made of it (``Response[None]`` is
        # documented as JSON ``null``).
        no_content = responses.get("204")
        if isinstance(no_content, OpenAPIResponse):
            no_content.content = None
        codes = list(_problem_codes(self))
        for code in codes:
            responses.setdefault(code, _ref(code))
        self.responses = dict(sorted(responses.items(), key=lambda item: (item[0] == "default", item[0])))


def _problem_codes(operation: Operation) -> Iterator[str]:
    parameters = operation.parameters or []
    has_path = any(getattr(p, "param_in", None) == "path" for p in parameters)
    if operation.request_body is not None:
        yield from ("400", "413", "415")
    if operation.security and {} not in operation.security:
        yield from ("401", "403")
    if has_path:
        yield "404"
    if operation.request_body is not None or parameters:
        yield "422"
    yield "default"


def _requirements(handler: HTTPRouteHandler) -> list[SecurityRequirement]:
    """What authenticates a caller of ``handler``, read from the dependency that does it."""
    writes = not set(handler.http_methods) <= SAFE_METHODS
    cookie: SecurityRequirement = {SESSION_COOKIE_SCHEME: [], **({CSRF_TOKEN: []} if writes else {})}
    resident: list[SecurityRequirement] = [{SESSION_TOKEN: []}, cookie]
    anyone: list[SecurityRequirement] = [{API_TOKEN: []}, *resident]
    providers = {provide.dependency for provide in handler.resolve_dependencies().values()}
    if provide_optional_principal in providers:
        return [{}, *anyone]
    if provide_principal in providers:
        roles: frozenset[Role] | None = handler.opt.get(ROLES_OPT)
        return [{API_TOKEN: []}] if roles is not None and Role.RESIDENT not in roles else anyone
    if provide_participant in providers:
        return anyone
    if providers & {provide_resident, provide_credential}:
        return resident
    return []


def document_operations(app: Litestar) -> None:
    """Give every operation of ``app`` its security requirements and problem answers, before the document is made."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler) and handler.resolve_include_in_schema():
                if handler.security is None:
                    handler.security = _requirements(handler)
                handler.operation_class = PbOperation



class ClosedModelsSchemaPlugin(PydanticSchemaPlugin):
    """Pydantic models as Litestar describes them, except that a model refusing unknown fields says so
    (``additionalProperties: false``): every request body of pb (:class:`pb.core.schemas.Input`) does."""

    @classmethod
    def for_pydantic_model(cls, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        if field_definition.annotation.model_config.get("extra") == "forbid":
            schema.additional_properties = False
        return schema
