"""HTTP endpoints of the development identity provider, under /dev-idp (never mounted in production)."""

from __future__ import annotations

import base64
import html
from typing import Annotated, Any
from urllib.parse import unquote, urlencode

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from pb.core.settings import DEV_IDP_PATH
from pb.devidp.persons import GENERATED_MAX, GENERATED_PREFIX, PERSONS
from pb.devidp.provider import DevIdentityProvider
from pb.http.dependencies import Now

DevIdp = NamedDependency[DevIdentityProvider]


def provide_dev_idp(state: State) -> DevIdentityProvider:
    provider: DevIdentityProvider = state.dev_idp
    return provider


def _client_id_from_basic(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return unquote(base64.b64decode(value).decode().partition(":")[0])
    except ValueError:
        return None


def _person_page(params: dict[str, str]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(DEV_IDP_PATH + "/authorize?" + urlencode({**params, "person": p.id}))}">'
        f"{html.escape(p.name)}</a> — {html.escape(p.note)}</li>"
        for p in PERSONS
    )
    hidden = "".join(
        f'<input type=hidden name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )
    generated = (
        f'<form method=get action="{DEV_IDP_PATH}/authorize">{hidden}'
        f'<p><label for=generated>Or a generated resident, by number (1 to {GENERATED_MAX}; each number is always '
        "the same person, living in one of Tuusula's areas or, one in twenty, in Järvenpää, aged 10 to 90)</label> "
        f'<input id=generated name=generated type=number min=1 max={GENERATED_MAX} value=1 required> '
        "<button>Sign in as this resident</button></p></form>"
    )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>pb development sign-in</title>"
        "<h1>Development sign-in</h1><p>Not a real identity provider. Choose a test person:</p>"
        f"<ul>{items}</ul>{generated}</html>"
    )


class DevIdpController(Controller):
    path = DEV_IDP_PATH
    include_in_schema = False
    dependencies = {"dev_idp": Provide(provide_dev_idp, sync_to_thread=False)}  # noqa: RUF012

    @get("/.well-known/openid-configuration", operation_id="devIdpDiscovery")
    async def discovery(self, dev_idp: DevIdp) -> dict[str, Any]:
        return dev_idp.discovery()

    @get("/jwks", operation_id="devIdpKeys")
    async def jwks(self, dev_idp: DevIdp) -> dict[str, Any]:
        return dev_idp.jwks()

    @get("/authorize", media_type=MediaType.HTML, operation_id="devIdpAuthorize")
    async def authorize(self, request: Request[Any, Any, Any], dev_idp: DevIdp, now: Now) -> Response[str]:
        params = {k: v for k, v in request.query_params.items() if k not in ("person", "generated")}
        person = request.query_params.get("person")
        if (number := request.query_params.get("generated")) is not None:
            person = f"{GENERATED_PREFIX}{number.strip()}"
        if person is None:
            dev_idp.check_request(params)
            return Response(_person_page(params), media_type=MediaType.HTML)
        return Redirect(dev_idp.authorize(params, person_id=person, now=now), status_code=302)

    @post("/token", status_code=200, operation_id="devIdpToken")
    async def token(
        self,
        request: Request[Any, Any, Any],
        dev_idp: DevIdp,
        now: Now,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[dict[str, Any]]:
        body = dev_idp.token(data, client_id=_client_id_from_basic(request), now=now)
        return Response(body, headers={"Cache-Control": "no-store"})
