"""Turning a view model into a page: the template the route names, the chrome around it, the right headers.

The template is the route's name as a path: the handler named ``networks.detail`` renders
``pages/networks/detail.html``. A handler that passes ``fragment="budgets"`` answers htmx's own requests with
``pages/networks/_budgets.html`` alone (the same partial the page includes), and everyone else with the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from litestar.enums import MediaType
from litestar.response import Redirect, Template

from pb.core.models import Municipality
from pb.core.settings import Settings
from pb.web.context import PageContext
from pb.web.locale import LANG_PARAM, switch_links
from pb.web.theme import brand_of
from pb.web.views import Chrome, LanguageLink, VisitorView

ACCESSIBILITY_URL = "/accessibility"
PERSONAL = "private, no-store"
"""Anything rendered for a signed-in visitor: never kept by a browser's or proxy's cache."""
PUBLIC = "no-cache"
"""Public pages: cacheable, but revalidated, so a phase change or a new language shows at once."""


@dataclass(frozen=True, slots=True, kw_only=True)
class View:
    """The fields every page's view model has; pages subclass it with their own."""

    title: str
    municipality: Municipality | None = None
    has_errors: bool = False


def content_security_policy(settings: Settings) -> str:
    """No inline script or style, nothing from elsewhere but configured logos; forms post only to pb."""
    logo_origins = sorted({
        f"https://{urlsplit(m.logo_url).netloc}"
        for m in settings.web_municipalities.values()
        if m.logo_url and m.logo_url.startswith("https://")
    })
    images = " ".join(["'self'", "data:", *logo_origins])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
        f"img-src {images}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def template_name(page: PageContext, fragment: str | None, route_name: str | None = None) -> str:
    route_name = route_name or page.request.route_handler.name
    if not route_name or "." not in route_name:
        raise LookupError(f"page handler {page.request.route_handler} needs a name like 'area.page'")
    area, name = route_name.split(".", 1)
    if fragment is not None and wants_fragment(page):
        return f"pages/{area}/_{fragment}.html"
    return f"pages/{area}/{name}.html"


def wants_fragment(page: PageContext) -> bool:
    """htmx swapping part of the page; a boosted link or a history restore needs the whole page."""
    htmx = page.request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def headers(page: PageContext) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(page.settings),
        "Cache-Control": PERSONAL if page.resident is not None else PUBLIC,
        "Vary": "HX-Request, Cookie, Accept-Language",
        "Content-Language": page.locale,
        "Referrer-Policy": "same-origin",
    }


def chrome(page: PageContext, view: View) -> Chrome:
    brand = brand_of(view.municipality, page.settings, page.locale) if view.municipality else None
    here = page.request.url.path
    visitor = VisitorView(signed_in=False)
    if brand is not None:
        visitor = VisitorView(
            signed_in=page.resident is not None,
            postal_code=page.resident.postal_code if page.resident else None,
            sign_in_url=f"/{brand.slug}/sign-in?{urlencode({'next': here})}",
            sign_out_url=f"/{brand.slug}/sign-out",
        )
    accessibility = f"/{brand.slug}{ACCESSIBILITY_URL}" if brand else ACCESSIBILITY_URL
    return Chrome(
        locale=page.locale,
        title=view.title,
        has_errors=view.has_errors,
        brand=brand,
        visitor=visitor,
        languages=[
            LanguageLink(locale, name, url, locale == page.locale) for locale, name, url in switch_links(page.request)
        ],
        csrf_token=page.csrf_token,
        accessibility_url=accessibility,
    )


def render(
    page: PageContext, view: View, *, status: int = 200, fragment: str | None = None, template: str | None = None
) -> Template:
    """The page (or its htmx fragment) for ``view``, with the security and caching headers of pages.

    ``template`` names another route's template (``"errors.not_found"``) where two routes show one page.
    """
    context: dict[str, Any] = {"t": page.t, "page": view, "chrome": chrome(page, view)}
    return Template(
        template_name=template_name(page, fragment, template),
        context=context,
        status_code=status,
        headers=headers(page),
        cookies=page.cookies,
        media_type=MediaType.HTML,
    )


def redirect(page: PageContext, path: str) -> Redirect:
    """303 to ``path`` after a form (post/redirect/get), keeping a language picked on the way."""
    asked = page.request.query_params.get(LANG_PARAM)
    if asked:
        path += ("&" if "?" in path else "?") + urlencode({LANG_PARAM: page.locale})
    return Redirect(path, status_code=303, cookies=page.cookies, headers={"Cache-Control": PERSONAL})


def sign_in_redirect(
    page: PageContext, back: str | None = None, *, status: Literal[302, 303] | None = None
) -> Redirect:
    """To sign-in, and back to ``back`` (else this page) afterwards; after a form 303, so its POST becomes a GET."""
    municipality = page.request.path_params["municipality"]
    code: Literal[302, 303] = status or (302 if page.request.method == "GET" else 303)
    return Redirect(f"/{municipality}/sign-in?{urlencode({'next': back or page.request.url.path})}",
                    status_code=code, cookies=page.cookies, headers={"Cache-Control": PERSONAL})
