"""``/<municipality>/receipts``: check a receipt. It says what pb can prove now: after voting closed, the ballot
on the public board with its choices; before that, only what this browser itself was given.

The receipt is posted, never put in the URL (addresses end up in logs and histories); the answer is a page
that no cache keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.core.errors import NotFound
from pb.core.models import BallotFormat, Municipality
from pb.http.dependencies import DbSession
from pb.i18n import Locale, lazy_gettext
from pb.municipalities.overview import municipality_by_slug
from pb.voting.receipt_check import PublishedReceipt, published_receipt
from pb.voting.schemas import ReceiptQuery
from pb.web import booth_state
from pb.web.context import Page, PageContext
from pb.web.forms import ConversionError, Form, Messages, read_form
from pb.web.rendering import PERSONAL, View, render
from pb.web.views import Localized, localized

RECEIPT_FORMAT = lazy_gettext("Enter the receipt as it is on your receipt page: 64 characters, the digits 0 to 9 "
                              "and the letters a to f.")
MESSAGES: Messages = {
    ("receipt", "missing"): lazy_gettext("Enter the receipt you got when you voted."),
    ("receipt", "string_pattern_mismatch"): RECEIPT_FORMAT,
    ("receipt", "receipt"): RECEIPT_FORMAT,
}


@dataclass(frozen=True, slots=True)
class BallotLine:
    title: Localized
    points: int | None = None
    place: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptCheckPage(View):
    form: Form[ReceiptQuery]
    action_url: str
    outcome: str | None = None
    """None before a lookup; ``on-board``, ``replaced``, ``given-here`` or ``not-on-board`` after one."""
    receipt: str | None = None
    budget_name: Localized | None = None
    kind: str | None = None
    lines: list[BallotLine] = field(default_factory=list)
    board_url: str | None = None


def normalised(text: str, locale: Locale) -> str:
    """A receipt as people copy it: spaces, line breaks and capitals do not matter."""
    cleaned = "".join(text.split()).lower()
    if len(cleaned) != 64:
        raise ConversionError("receipt")
    return cleaned


def _lines(found: PublishedReceipt, locale: Locale) -> list[BallotLine]:
    def title(code: str) -> Localized:
        return localized(found.titles.get(code), locale) if found.titles.get(code) else Localized(code)

    if isinstance(found.selections, dict):
        return [BallotLine(title(code), points=points) for code, points in found.selections.items()]
    if BallotFormat(found.budget.ballot_format) is BallotFormat.RANKED:
        return [BallotLine(title(code), place=place) for place, code in enumerate(found.selections, 1)]
    return [BallotLine(title(code)) for code in found.selections]


async def _looked_up(page: PageContext, session: AsyncSession, municipality: Municipality,
                     form: Form[ReceiptQuery], receipt: str) -> ReceiptCheckPage:
    base: dict[str, Any] = {"title": page.t.gettext("Check a receipt"), "municipality": municipality, "form": form,
            "action_url": f"/{municipality.slug}/receipts", "receipt": receipt}
    try:
        found = await published_receipt(session, municipality=municipality, receipt=receipt)
    except NotFound:
        state = booth_state.read(page.settings, page.request.cookies.get(booth_state.COOKIE), page.session_id)
        known = state.known_receipt(receipt)
        outcome = "not-on-board" if known is None else "given-here" if known[1] else "replaced"
        return ReceiptCheckPage(**base, outcome=outcome)
    return ReceiptCheckPage(
        **base, outcome="on-board", budget_name=localized(found.budget.name, page.locale),
        kind=found.budget.ballot_format, lines=_lines(found, page.locale),
        board_url=f"/budgets/{found.budget.id}/board",
    )


@get("/{municipality:str}/receipts", name="receipts.check")
async def check(page: Page, db_session: DbSession, municipality: FromPath[str]) -> Template:
    """The form: enter a receipt code."""
    found = await municipality_by_slug(db_session, municipality)
    view = ReceiptCheckPage(title=page.t.gettext("Check a receipt"), municipality=found, form=Form(),
                            action_url=f"/{found.slug}/receipts")
    return render(page, view)


@post("/{municipality:str}/receipts", name="receipts.lookup")
async def lookup(page: Page, db_session: DbSession, municipality: FromPath[str]) -> Template:
    """What the board says about the posted receipt (or the form again, with what to fix)."""
    found = await municipality_by_slug(db_session, municipality)
    form = await read_form(page, ReceiptQuery, messages=MESSAGES, converters={"receipt": normalised},
                           field_order=["receipt"])
    if form.data is None:
        view = ReceiptCheckPage(title=page.t.gettext("Check a receipt"), municipality=found, form=form,
                                action_url=f"/{found.slug}/receipts", has_errors=True)
        return render(page, view, status=422, template="receipts.check")
    shown = await _looked_up(page, db_session, found, form, form.data.receipt)
    response = render(page, shown, template="receipts.check")
    response.headers["Cache-Control"] = PERSONAL  # an answer about someone's ballot, signed in or not
    return response


HANDLERS = [check, lookup]
