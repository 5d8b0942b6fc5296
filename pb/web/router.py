"""The pages' router: HTMX-aware requests, the page context, CSRF on every form, HTML error pages.

The URL scheme (docs/development.md, "Web pages"): ``/`` is the municipality chooser (or the one
municipality's front page), every page of a municipality is under ``/<municipality slug>/``, and the API keeps
its own top-level names, which no municipality may take as its slug (``pb.web.urls.RESERVED``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.router import Router
from litestar_htmx import HTMXRequest

from pb.core.errors import NotFound
from pb.core.settings import Settings
from pb.i18n import LazyString, lazy_gettext
from pb.web import csrf
from pb.web.context import PageContext, page_context, provide_page, session_of
from pb.web.pages import (
    accessibility,
    home,
    my,
    networks,
    proposal_forms,
    proposals,
    receipts,
    results,
    signin,
    vote,
)
from pb.web.rendering import View, render


async def check_form_token(request: Request[Any, Any, Any]) -> None:
    """Every form a page posts carries this browser's and session's token; checked before the handler runs."""
    if request.method not in csrf.UNSAFE_METHODS:
        return
    settings: Settings = request.app.state.settings
    form = await request.form()
    submitted = form.get(csrf.FIELD)
    csrf.check(
        settings,
        cookie=request.cookies.get(csrf.FORM_COOKIE),
        submitted=submitted if isinstance(submitted, str) else None,
        session_id=session_of(request, settings, request.app.state.clock()),
    )


# Translators: the title of the page shown for an address that leads nowhere.
NOT_FOUND = lazy_gettext("Page not found")
# Translators: the title of the page shown when a form was sent from an old page or from another site.
FORM_REFUSED = lazy_gettext("The form could not be sent")


def _error_page(request: Request[Any, Any, Any], template: str, title: LazyString, status: int) -> Response[Any]:
    settings: Settings = request.app.state.settings
    htmx_request = request if isinstance(request, HTMXRequest) else HTMXRequest(request.scope, request.receive)
    page: PageContext = page_context(htmx_request, settings, resident=None, now=request.app.state.clock())
    return render(page, View(title=title.render(page.t)), status=status, template=template)


def not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(request, "errors.not_found", NOT_FOUND, 404)


def form_refused(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(request, "errors.form_refused", FORM_REFUSED, 403)


def web_router() -> Router:
    return Router(
        path="/",
        route_handlers=[*home.HANDLERS, *networks.HANDLERS, *accessibility.HANDLERS, *signin.HANDLERS, *vote.HANDLERS,
                        *receipts.HANDLERS, *results.HANDLERS, *proposals.HANDLERS,
                        *proposal_forms.HANDLERS, *my.HANDLERS],
        request_class=HTMXRequest,
        dependencies={"page": Provide(provide_page)},
        before_request=check_form_token,
        exception_handlers={
            NotFound: not_found, NotFoundException: not_found, csrf.CsrfRefused: form_refused,
        },
        include_in_schema=False,
    )
