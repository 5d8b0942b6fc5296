"""The URL scheme: pages under /<municipality>, the API's top-level names reserved, a template per page route."""

from __future__ import annotations

import pytest
from litestar import Litestar
from pydantic import ValidationError

from pb.municipalities.schemas import RESERVED_SLUGS, MunicipalityCreate
from pb.web.templating import TEMPLATES


def _top_level_names(app: Litestar) -> set[str]:
    names = {route.path.split("/")[1] for route in app.routes}
    return {name for name in names if name and not name.startswith("{")}


def test_every_top_level_name_of_the_app_is_reserved_from_municipality_slugs(app: Litestar) -> None:
    assert _top_level_names(app) - {".well-known"} <= RESERVED_SLUGS


@pytest.mark.parametrize("slug", ["networks", "static", "accessibility", "auth"])
def test_a_municipality_cannot_take_a_name_pb_uses(slug: str) -> None:
    with pytest.raises(ValidationError, match="a name pb uses itself"):
        MunicipalityCreate.model_validate({"slug": slug, "code": "999", "name": {"fi": "X"}, "languages": ["fi"]})


def test_every_named_page_route_has_its_template(app: Litestar) -> None:
    named = {
        handler.name
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.name and "." in handler.name and not handler.name.startswith("static")
    }
    # Forms that render their page's template again (vote.update shows vote.booth) or redirect.
    posted = {"vote.update", "vote.confirm", "receipts.lookup", "proposals.support", "proposals.create",
              "proposals.update", "proposals.comment", "proposals.offer"}
    rendered = named - {"home.theme", "signin.start", "signin.end", "accessibility.deployment", "proposals.current",
                        *posted}
    assert rendered, "no page routes found"
    missing = [n for n in rendered if not (TEMPLATES / "pages" / n.replace(".", "/", 1)).with_suffix(".html").exists()]
    assert missing == []
