"""``/<municipality>/vote/<round>/...``: the voting booth. The budgets a resident may vote in, a budget's ballot
(with its running total), the review of the choices, the confirmation that casts, and the receipt.

The ballot works without JavaScript: one form, "Update the total" re-renders it with the summary in words,
"Check your vote" goes to the review. With htmx the same form posts on every change and gets the summary alone
(``_summary.html``) into its live region. The ballot in progress travels with the form and is kept in the
browser's encrypted booth cookie (:mod:`pb.web.booth_state`), never on the server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from pb.auth.identity import Resident
from pb.core.models import BallotFormat
from pb.http.dependencies import DbSession
from pb.voting.booth import Booth, check_draft, round_by_slugs
from pb.voting.receipts import Selections
from pb.voting.schemas import BallotCast
from pb.web import booth_state
from pb.web.ballot_status import BallotStatus, ballot_statuses, why_not
from pb.web.booth_flow import Refusal, cast, keys_of, open_for
from pb.web.booth_view import (
    Draft,
    ProjectChoice,
    Summary,
    as_cast,
    cap,
    empty_selections,
    instructions,
    problem_errors,
    project_choices,
    read_draft,
    spent,
    summary,
)
from pb.web.context import Page, PageContext
from pb.web.forms import FieldError, Form
from pb.web.rendering import View, redirect, render, sign_in_redirect, wants_fragment
from pb.web.views import Localized, localized

ROUND = "/{municipality:str}/vote/{round:str}"
BOOTH = ROUND + "/{budget:str}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetsPage(View):
    budgets: list[BallotStatus]
    receipt_check_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BoothPage(View):
    kind: str
    budget_name: Localized
    instructions: list[str]
    projects: list[ProjectChoice]
    summary: Summary
    form: Form[BallotCast]
    action_url: str
    config_hash: str
    voted: bool
    may_cast: bool
    why_not: str | None
    allow_revoting: bool
    voting_ends_at: datetime | None
    places: list[int]
    max_points: int | None
    fragment: bool
    budgets_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewPage(View):
    kind: str
    budget_name: Localized
    chosen: list[ProjectChoice]
    summary: Summary
    selections: Selections
    config_hash: str
    nonce: str
    idempotency_key: str
    confirm_url: str
    change_url: str
    voted: bool
    spent: int
    cap: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptPage(View):
    budget_name: Localized
    receipt: str
    receipt_check_url: str
    voting_ends_at: datetime | None
    budgets_url: str
    allow_revoting: bool
    booth_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefusalPage(View):
    sentences: list[str]
    back_url: str | None
    budgets_url: str


def _sign_in(page: PageContext) -> Redirect:
    return sign_in_redirect(page, status=302)


def _state(page: PageContext, resident: Resident) -> booth_state.BoothState:
    return booth_state.read(page.settings, page.request.cookies.get(booth_state.COOKIE), resident.session_id)


def _keep(page: PageContext, resident: Resident, state: booth_state.BoothState) -> None:
    page.cookies.append(booth_state.cookie(page.settings, state, resident.session_id))


async def _booth_for(
    page: PageContext, db_session: DbSession, municipality: str, round_slug: str, budget: str,
) -> tuple[Resident, Booth] | Template | Redirect:
    """The signed-in resident and the budget's open booth, or the answer instead: sign in, or why it is refused."""
    if page.resident is None:
        return _sign_in(page)
    opened = await open_for(page, db_session, page.resident, municipality=municipality, round_slug=round_slug,
                            budget=budget)
    if isinstance(opened, Refusal):
        return _refused(page, opened, municipality, round_slug, None)
    return page.resident, opened


def _refused(page: PageContext, refusal: Refusal, municipality: str, round_slug: str, budget: str | None) -> Template:
    view = RefusalPage(title=refusal.title, sentences=refusal.sentences,
                       back_url=f"{ROUND_URL(municipality, round_slug)}/{budget}" if refusal.retry and budget else None,
                       budgets_url=ROUND_URL(municipality, round_slug))
    return render(page, view, status=refusal.status, template="vote.refused")


def ROUND_URL(municipality: str, round_slug: str) -> str:
    return f"/{municipality}/vote/{round_slug}"


def _booth_page(page: PageContext, booth: Booth, selections: Selections, *, draft: Draft | None = None,
                errors: list[FieldError] | None = None) -> BoothPage:
    errors = [*(draft.errors if draft else []), *(errors or [])]
    choices = project_choices(booth, selections, page.locale, points_shown=draft.points_shown if draft else None,
                              errors=errors)
    fmt = booth.rules.format
    places = list(range(1, (fmt.max_length or len(booth.projects)) + 1))
    round_url = ROUND_URL(booth.municipality.slug, booth.round.slug)
    name = localized(booth.budget.name, page.locale)
    return BoothPage(
        title=name.text, municipality=booth.municipality, has_errors=bool(errors),
        kind=booth.rules.kind.value, budget_name=name, instructions=instructions(booth, page.t),
        projects=choices, summary=summary(booth, selections, choices, page.t), form=Form(errors=errors),
        action_url=f"{round_url}/{booth.budget.slug}", config_hash=booth.config_hash, voted=booth.voted,
        may_cast=booth.may_cast,
        why_not=why_not(booth.verdict, page.t, min_age=booth.rules.min_age,
                        voting_ends_at=booth.frozen.voting_ends_at, now=page.now, municipality=booth.municipality,
                        postal_code=page.resident.postal_code if page.resident else None),
        allow_revoting=booth.frozen.allow_revoting, voting_ends_at=booth.frozen.voting_ends_at, places=places,
        max_points=fmt.max_points, fragment=wants_fragment(page), budgets_url=round_url,
    )


@get(ROUND, name="vote.budgets")
async def budgets(page: Page, db_session: DbSession, municipality: FromPath[str],
                  round: FromPath[str]) -> Template | Redirect:
    """The round's budgets for this resident: where to vote, why not elsewhere, where their vote counts."""
    if page.resident is None:
        return _sign_in(page)
    place, budget_round = await round_by_slugs(db_session, municipality_slug=municipality, round_slug=round)
    statuses = await ballot_statuses(db_session, municipality=place, budget_round=budget_round,
                                     resident=page.resident, keys=keys_of(page), t=page.t, now=page.now)
    return render(page, BudgetsPage(title=page.t.gettext("Vote"), municipality=place, budgets=statuses,
                                    receipt_check_url=f"/{municipality}/receipts"))


@get(BOOTH, name="vote.booth")
async def booth(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                budget: FromPath[str]) -> Template | Redirect:
    """A budget's ballot, starting from the ballot this browser keeps in progress."""
    found = await _booth_for(page, db_session, municipality, round, budget)
    if not isinstance(found, tuple):
        return found
    resident, opened = found
    kept = _state(page, resident).drafts.get(opened.budget.id or 0)
    return render(page, _booth_page(page, opened, kept if kept is not None else empty_selections(opened.rules.kind)))


@post(BOOTH, name="vote.update")
async def update(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                 budget: FromPath[str]) -> Template | Redirect:
    """The ballot posted: kept in the browser, and either shown again with its total or sent to the review."""
    found = await _booth_for(page, db_session, municipality, round, budget)
    if not isinstance(found, tuple):
        return found
    resident, opened = found
    posted = await page.request.form()
    draft = read_draft(opened, posted.multi_items(), page.t)
    state = _state(page, resident)
    state.drafts[opened.budget.id or 0] = draft.selections
    _keep(page, resident, state)
    if posted.get("config_hash") != opened.config_hash:
        return _refused(page, Refusal(page.t.gettext("The ballot has changed"), [
            page.t.gettext("This ballot changed after you opened it. Check your choices again.")], 409, retry=True),
            municipality, round, budget)
    if posted.get("action") != "review":
        return render(page, _booth_page(page, opened, draft.selections, draft=draft), fragment="summary",
                      template="vote.booth")
    _, problems = check_draft(opened, draft.selections)
    errors = problem_errors(opened, draft.selections, problems, page.t)
    if draft.errors or errors:
        return render(page, _booth_page(page, opened, draft.selections, draft=draft, errors=errors), status=422,
                      template="vote.booth")
    return redirect(page, f"{ROUND_URL(municipality, round)}/{budget}/review")


@get(BOOTH + "/review", name="vote.review")
async def review(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                 budget: FromPath[str]) -> Template | Redirect:
    """Check your vote: the choices in words, and the button that sends them."""
    found = await _booth_for(page, db_session, municipality, round, budget)
    if not isinstance(found, tuple):
        return found
    resident, opened = found
    booth_url = f"{ROUND_URL(municipality, round)}/{budget}"
    kept = _state(page, resident).drafts.get(opened.budget.id or 0)
    checked, problems = check_draft(opened, kept) if kept is not None else (None, [])
    if checked is None or problems or not opened.may_cast:
        return redirect(page, booth_url)
    choices = project_choices(opened, checked, page.locale)
    chosen = [c for c in choices if c.chosen]
    if isinstance(checked, list) and opened.rules.kind is BallotFormat.RANKED:
        chosen.sort(key=lambda c: checked.index(c.code))
    name = localized(opened.budget.name, page.locale)
    return render(page, ReviewPage(
        title=page.t.gettext("Check your vote"), municipality=opened.municipality, kind=opened.rules.kind.value,
        budget_name=name, chosen=chosen, summary=summary(opened, checked, choices, page.t), selections=checked,
        config_hash=opened.config_hash, nonce=secrets.token_urlsafe(24), idempotency_key=secrets.token_urlsafe(24),
        confirm_url=f"{booth_url}/confirm", change_url=booth_url, voted=opened.voted,
        spent=spent(opened, checked), cap=cap(opened),
    ))


@post(BOOTH + "/confirm", name="vote.confirm")
async def confirm(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                  budget: FromPath[str]) -> Template | Redirect:
    """Cast the reviewed ballot through the voting service; the receipt is kept in this browser."""
    found = await _booth_for(page, db_session, municipality, round, budget)
    if not isinstance(found, tuple):
        return found
    resident, opened = found
    posted = await page.request.form()
    draft = read_draft(opened, posted.multi_items(), page.t)
    body = as_cast(draft.selections, str(posted.get("config_hash", "")), str(posted.get("nonce", "")) or None)
    key = str(posted.get("idempotency_key", ""))[:128] or None
    if body is None or draft.errors:
        return _refused(page, Refusal(page.t.gettext("Your vote was not sent"), [
            page.t.gettext("Your choices did not fit the rules of this ballot. Go back to the ballot and check them.")
        ], 422, retry=True), municipality, round, budget)
    result = await cast(page, db_session, resident, opened, body, key)
    if isinstance(result, Refusal):
        return _refused(page, result, municipality, round, budget)
    state = _state(page, resident)
    state.remember_receipt(result.budget_id, result.receipt)
    state.drafts[result.budget_id] = result.selections
    _keep(page, resident, state)
    return redirect(page, f"{ROUND_URL(municipality, round)}/{budget}/receipt")


@get(BOOTH + "/receipt", name="vote.receipt")
async def receipt(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                  budget: FromPath[str]) -> Template | Redirect:
    """The receipt of this browser's latest vote in the budget: what it proves and how to check it."""
    found = await _booth_for(page, db_session, municipality, round, budget)
    if not isinstance(found, tuple):
        return found
    resident, opened = found
    booth_url = f"{ROUND_URL(municipality, round)}/{budget}"
    code = _state(page, resident).receipt(opened.budget.id or 0)
    if code is None:
        return redirect(page, booth_url)
    return render(page, ReceiptPage(
        title=page.t.gettext("Your vote has been recorded"), municipality=opened.municipality,
        budget_name=localized(opened.budget.name, page.locale), receipt=code,
        receipt_check_url=f"/{municipality}/receipts", voting_ends_at=opened.frozen.voting_ends_at,
        budgets_url=ROUND_URL(municipality, round), allow_revoting=opened.frozen.allow_revoting, booth_url=booth_url,
    ))


HANDLERS = [budgets, booth, update, review, confirm, receipt]
