"""The proposals' forms: send a proposal, edit your own, comment or ask, offer to help. Each is validated by the
API's own schema (``ProposalCreate``, ``ProposalUpdate``, ``CommentCreate``/``QuestionCreate``,
``VolunteerCreate``) and done by the API's own service; a refusal is shown beside the form, success redirects.
Writing needs a signed-in resident: anyone else goes to sign-in and back to the page they were on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.budgets.service import list_budgets
from pb.core.models import Municipality
from pb.core.schemas import FIELDS_DISAGREE
from pb.http.dependencies import DbSession
from pb.i18n import Locale, Translator, lazy_gettext
from pb.proposals import discussion, service, volunteers
from pb.proposals.deliberation_schemas import CommentCreate, Offer, QuestionCreate, VolunteerCreate, VolunteerKind
from pb.proposals.participants import from_resident
from pb.proposals.schemas import ProposalCreate, ProposalPublic, ProposalUpdate
from pb.voting.booth import round_by_slugs
from pb.web.context import Page, PageContext
from pb.web.forms import FieldError, Form, Messages, euros_to_cents, one_or_more, read_form, whole_number
from pb.web.labels import OFFERS, THEMES, VOLUNTEER_KINDS
from pb.web.pages.proposals import PROPOSAL, ROUND, detail_page, proposal_in_round
from pb.web.proposal_actions import Refused, attempt
from pb.web.proposal_view import proposal_url, proposals_url
from pb.web.rendering import View, redirect, render, sign_in_redirect
from pb.web.views import Localized, localized

LANGUAGES: tuple[Locale, ...] = ("fi", "sv", "en")
TEXT_FIELDS = [f"{part}.{lang}" for part in ("title", "description") for lang in LANGUAGES]
PROPOSAL_FIELDS = ["budget_id", *TEXT_FIELDS, "theme", "location.address", "own_cost", "show_name", "public_name"]
EDIT_FIELDS = [*TEXT_FIELDS, "theme", "location.address", "own_cost", "note"]
COMMENT_FIELDS = ["kind", "body", "show_name", "public_name"]
VOLUNTEER_FIELDS = ["kind", "name", "show_name", "offers", "message", "contact"]

ONE_LANGUAGE_TITLE = lazy_gettext("Write the title in at least one language.")
ONE_LANGUAGE_TEXT = lazy_gettext("Write the description in at least one language.")
PLAIN = lazy_gettext("Write plain text: HTML tags and script addresses are not accepted.")
MESSAGES: Messages = {
    ("budget_id", "missing"): lazy_gettext("Choose the budget your proposal is for."),
    ("budget_id", "whole_number"): lazy_gettext("Choose the budget your proposal is for."),
    ("title", FIELDS_DISAGREE): ONE_LANGUAGE_TITLE,
    ("title", "missing"): ONE_LANGUAGE_TITLE,
    ("description", FIELDS_DISAGREE): ONE_LANGUAGE_TEXT,
    ("description", "missing"): ONE_LANGUAGE_TEXT,
    **{(name, "string_too_short"): lazy_gettext("Write a title of at least %(min_length)s characters.")
       for name in TEXT_FIELDS if name.startswith("title")},
    **{(name, "value_error"): PLAIN for name in TEXT_FIELDS},
    ("theme", "missing"): lazy_gettext("Choose a theme."),
    ("theme", "string_pattern_mismatch"): lazy_gettext("Choose a theme."),
    ("location.address", "value_error"): PLAIN,
    ("note", "string_too_short"): lazy_gettext("Say in at least %(min_length)s characters what you changed."),
    ("body", "missing"): lazy_gettext("Write your message."),
    ("body", "value_error"): PLAIN,
    ("public_name", "value_error"): PLAIN,
    ("name", "missing"): lazy_gettext("Enter your name or your organisation's name."),
    ("offers", "missing"): lazy_gettext("Choose at least one way you can help."),
    ("offers", "too_short"): lazy_gettext("Choose at least one way you can help."),
    ("message", "missing"): lazy_gettext("Tell the proposers how you can help."),
    ("message", "value_error"): PLAIN,
}


class Option(NamedTuple):
    """A choice in a select, radios or checkboxes: the macros take (value, label) pairs."""

    value: str
    label: Localized | str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalFormPage(View):
    form: Form[Any]
    action_url: str
    back_url: str
    budgets: list[Option] = field(default_factory=list)
    themes: list[Option] = field(default_factory=list)
    notice: str | None = None
    editing: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerPage(View):
    form: Form[VolunteerCreate]
    action_url: str
    back_url: str
    proposal_title: Localized
    kinds: list[Option]
    offers: list[Option]
    notice: str | None = None


def _themes(t: Translator) -> list[Option]:
    return [Option("", t.pgettext("theme", "Choose a theme")), *(Option(k, v.render(t)) for k, v in THEMES.items())]


async def _budgets(session: AsyncSession, round_id: int, locale: Locale) -> list[Option]:
    rows = await list_budgets(session, round_id=round_id)
    return [Option(str(b.id), localized(b.name, locale)) for b in rows]


def _with_refusal(form: Form[Any], refused: Refused | None, inputs: list[str]) -> tuple[Form[Any], str | None]:
    """The form with the service's refusal of it: at the input of the field it names, else as a notice."""
    if refused is None:
        return form, None
    at = next((i for i in inputs if refused.field and (i == refused.field or i.startswith(refused.field + "."))),
              None)
    if at is None:
        return form, refused.sentence
    return Form(values=form.values, errors=[FieldError(at, refused.sentence)]), None


async def _new_page(page: PageContext, session: AsyncSession, place: Municipality, round_id: int, round_slug: str,
                    form: Form[Any], notice: str | None = None) -> ProposalFormPage:
    url = proposals_url(place.slug, round_slug)
    return ProposalFormPage(
        title=page.t.gettext("Send a proposal"), municipality=place, has_errors=form.has_errors or notice is not None,
        form=form, action_url=f"{url}/new", back_url=url, budgets=[
            Option("", page.t.gettext("Choose a budget")), *await _budgets(session, round_id, page.locale)],
        themes=_themes(page.t), notice=notice,
    )


@get(ROUND + "/new", name="proposals.new")
async def new(page: Page, db_session: DbSession, municipality: FromPath[str],
              round: FromPath[str]) -> Template | Redirect:
    """The form for a new proposal."""
    if page.resident is None:
        return sign_in_redirect(page)
    place, budget_round = await round_by_slugs(db_session, municipality_slug=municipality, round_slug=round)
    notice = None if service.accepts_proposals(budget_round) else page.t.gettext(
        "Proposals can be sent and changed only while the round takes proposals. The front page shows the "
        "timetable.")
    return render(page, await _new_page(page, db_session, place, budget_round.id or 0, round, Form(), notice))


@post(ROUND + "/new", name="proposals.create")
async def create(page: Page, db_session: DbSession, municipality: FromPath[str],
                 round: FromPath[str]) -> Template | Redirect:
    """Send the proposal through the API's own service; its page follows."""
    if page.resident is None:
        return sign_in_redirect(page, f"{proposals_url(municipality, round)}/new")
    place, budget_round = await round_by_slugs(db_session, municipality_slug=municipality, round_slug=round)
    form = await read_form(page, ProposalCreate, messages=MESSAGES, field_order=PROPOSAL_FIELDS,
                           converters={"own_cost": euros_to_cents, "budget_id": whole_number})
    done = None if form.data is None else await attempt(service.submit_proposal(
        db_session, data=form.data, who=from_resident(page.resident), now=page.now), page.t)
    if form.data is None or isinstance(done, Refused):
        refused = done if isinstance(done, Refused) else None
        shown, notice = _with_refusal(form, refused, PROPOSAL_FIELDS)
        view = await _new_page(page, db_session, place, budget_round.id or 0, round, shown, notice)
        return render(page, view, status=refused.status if refused else 422, template="proposals.new")
    assert done is not None
    return redirect(page, proposal_url(place.slug, round, done.id or 0))


def _euros(cents: int | None) -> str:
    if cents is None:
        return ""
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"


def _current_values(proposal: ProposalPublic) -> dict[str, Any]:
    values: dict[str, Any] = {f"title.{k}": v for k, v in proposal.title.items()}
    values |= {f"description.{k}": v for k, v in proposal.description.items()}
    return {**values, "theme": proposal.theme, "location.address": proposal.address or "",
            "own_cost": _euros(proposal.own_cost)}


async def _edit_page(page: PageContext, session: AsyncSession, municipality: str, round_slug: str,
                     proposal_id: int, form: Form[Any] | None, notice: str | None = None) -> ProposalFormPage:
    place, proposal, _ = await proposal_in_round(session, municipality, round_slug, proposal_id)
    url = proposal_url(place.slug, round_slug, proposal_id)
    if notice is None and page.resident is not None and await service.authorship(
            session, proposal_id, from_resident(page.resident)) is None:
        notice = page.t.gettext("Only the proposal's authors can change it.")
    shown = form if form is not None else Form(values=_current_values(proposal))
    return ProposalFormPage(
        title=page.t.gettext("Edit your proposal"), municipality=place,
        has_errors=shown.has_errors or notice is not None, form=shown, action_url=f"{url}/edit", back_url=url,
        themes=_themes(page.t), notice=notice, editing=True,
    )


@get(PROPOSAL + "/edit", name="proposals.edit")
async def edit(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
               proposal: FromPath[int]) -> Template | Redirect:
    """The proposal's current text in its form, for its authors."""
    if page.resident is None:
        return sign_in_redirect(page)
    view = await _edit_page(page, db_session, municipality, round, proposal, None)
    return render(page, view, status=403 if view.notice else 200)


@post(PROPOSAL + "/edit", name="proposals.update")
async def update(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                 proposal: FromPath[int]) -> Template | Redirect:
    """A new version through the API's own service (which checks authorship and the stage); its page follows."""
    url = proposal_url(municipality, round, proposal)
    if page.resident is None:
        return sign_in_redirect(page, f"{url}/edit")
    form = await read_form(page, ProposalUpdate, messages=MESSAGES, converters={"own_cost": euros_to_cents},
                           field_order=EDIT_FIELDS)
    view = await _edit_page(page, db_session, municipality, round, proposal, form)  # 404 before any write
    done = None if form.data is None else await attempt(service.update_proposal(
        db_session, proposal_id=proposal, data=form.data, who=from_resident(page.resident), now=page.now), page.t)
    if form.data is None or isinstance(done, Refused):
        refused = done if isinstance(done, Refused) else None
        if refused is not None:
            shown, notice = _with_refusal(form, refused, EDIT_FIELDS)
            view = await _edit_page(page, db_session, municipality, round, proposal, shown, notice)
        return render(page, view, status=refused.status if refused else 422, template="proposals.edit")
    return redirect(page, url)


@post(PROPOSAL + "/comments", name="proposals.comment")
async def comment(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                  proposal: FromPath[int]) -> Template | Redirect:
    """A comment (or reply), or a question to the municipality (``kind=question``)."""
    url = proposal_url(municipality, round, proposal)
    if page.resident is None:
        return sign_in_redirect(page, url)
    await proposal_in_round(db_session, municipality, round, proposal)  # 404 before any write
    posted = await page.request.form()
    asking = posted.get("kind") == "question" and not posted.get("parent_id")
    who = from_resident(page.resident)
    form: Form[Any]
    if asking:
        form = await read_form(page, QuestionCreate, messages=MESSAGES, field_order=COMMENT_FIELDS,
                               ignore=frozenset({"kind"}))
        data: Any = form.data
        call = None if data is None else discussion.ask_question(db_session, proposal_id=proposal, data=data,
                                                                  who=who, now=page.now)
    else:
        form = await read_form(page, CommentCreate, messages=MESSAGES, field_order=COMMENT_FIELDS,
                               converters={"parent_id": whole_number}, ignore=frozenset({"kind"}))
        data = form.data
        call = None if data is None else discussion.add_comment(db_session, proposal_id=proposal, data=data,
                                                                 who=who, now=page.now)
    form.values["kind"] = "question" if asking else "comment"
    done = None if call is None else await attempt(call, page.t)
    if call is None or isinstance(done, Refused):
        refused = done if isinstance(done, Refused) else None
        parent = str(posted.get("parent_id", ""))
        view = await detail_page(page, db_session, municipality, round, proposal, comment_form=form,
                                 notice=refused.sentence if refused else None,
                                 reply=int(parent) if parent.isdigit() and len(parent) < 12 else None)
        return render(page, view, status=refused.status if refused else 422, template="proposals.detail")
    assert done is not None
    return redirect(page, f"{url}#comment-{done.id}")


async def _volunteer_page(page: PageContext, session: AsyncSession, municipality: str, round_slug: str,
                          proposal_id: int, form: Form[VolunteerCreate],
                          notice: str | None = None) -> VolunteerPage:
    shown = await detail_page(page, session, municipality, round_slug, proposal_id)
    return VolunteerPage(
        title=page.t.gettext("Offer to help"), municipality=shown.municipality,
        has_errors=form.has_errors or notice is not None, form=form, action_url=f"{shown.url}/volunteer",
        back_url=shown.url, proposal_title=shown.proposal.title,
        kinds=[Option(k.value, VOLUNTEER_KINDS[k].render(page.t)) for k in VolunteerKind],
        offers=[Option(o.value, OFFERS[o].render(page.t)) for o in Offer], notice=notice,
    )


@get(PROPOSAL + "/volunteer", name="proposals.volunteer")
async def volunteer(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                    proposal: FromPath[int]) -> Template | Redirect:
    """How the resident, their association or business can help carry the proposal out."""
    if page.resident is None:
        return sign_in_redirect(page)
    form: Form[VolunteerCreate] = Form(values={"kind": VolunteerKind.RESIDENT.value})
    return render(page, await _volunteer_page(page, db_session, municipality, round, proposal, form))


@post(PROPOSAL + "/volunteer", name="proposals.offer")
async def offer(page: Page, db_session: DbSession, municipality: FromPath[str], round: FromPath[str],
                proposal: FromPath[int]) -> Template | Redirect:
    """The offer through the API's own service; the name is shown only when the volunteer agreed."""
    url = proposal_url(municipality, round, proposal)
    if page.resident is None:
        return sign_in_redirect(page, f"{url}/volunteer")
    await proposal_in_round(db_session, municipality, round, proposal)  # 404 before any write
    form = await read_form(page, VolunteerCreate, messages=MESSAGES, field_order=VOLUNTEER_FIELDS,
                           converters={"offers": one_or_more})
    done = None if form.data is None else await attempt(volunteers.offer_help(
        db_session, proposal_id=proposal, data=form.data, who=from_resident(page.resident), now=page.now), page.t)
    if form.data is None or isinstance(done, Refused):
        refused = done if isinstance(done, Refused) else None
        view = await _volunteer_page(page, db_session, municipality, round, proposal, form,
                                     refused.sentence if refused else None)
        return render(page, view, status=refused.status if refused else 422, template="proposals.volunteer")
    return redirect(page, f"{url}#volunteers-title")


HANDLERS = [new, create, edit, update, comment, volunteer, offer]
