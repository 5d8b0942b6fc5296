"""Proposals as residents see them: a card in the list, and the proposal's page with its deliberation.

Everything here shapes what the proposals services return; which actions a visitor is offered comes from the
services too (``accepts_proposals``, ``stage_open_now``, ``authorship``), and the services decide again when
the form arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pb.i18n import LazyString, Locale, Translator, lazy_pgettext
from pb.proposals.deliberation_schemas import CommentPublic, Offer, VolunteerSummary
from pb.proposals.models import CommentKind, Feasibility, ProposalReview, ProposalStatus, ProposalVersion
from pb.proposals.schemas import ProposalPublic
from pb.web.labels import FEASIBILITY, OFFERS, PROPOSAL_STATUSES, THEMES
from pb.web.views import Localized, localized

# Translators: how an official's comment or review is signed: the office, never a person's name.
OFFICIAL = lazy_pgettext("signed by", "The municipality")
# Translators: how a network coordinator's comment or review is signed.
COORDINATOR = lazy_pgettext("signed by", "The network's coordinator")


def proposals_url(municipality_slug: str, round_slug: str) -> str:
    return f"/{municipality_slug}/proposals/{round_slug}"


def proposal_url(municipality_slug: str, round_slug: str, proposal_id: int) -> str:
    return f"{proposals_url(municipality_slug, round_slug)}/{proposal_id}"


def signed_by(label: str, t: Translator) -> str:
    """A public label as people read it: offices by their role, residents by their chosen name or pseudonym."""
    if label in ("official", "admin"):
        return OFFICIAL.render(t)
    if label.startswith(("network:", "coordinator:")):
        return COORDINATOR.render(t)
    return label


def theme_label(theme: str, t: Translator) -> str:
    known = THEMES.get(theme)
    return known.render(t) if known is not None else theme


@dataclass(frozen=True, slots=True)
class ProposalCard:
    id: int
    url: str
    title: Localized
    description: Localized
    status: str
    status_label: LazyString
    theme: str
    network: Localized | None
    supports: int
    cost: int | None
    """The binding estimate when the proposal was reviewed, else the proposers' own (cents)."""
    cost_is_official: bool
    authors: list[str]
    hidden: bool


def card(proposal: ProposalPublic, *, url: str, network: Localized | None, t: Translator) -> ProposalCard:
    official = proposal.official_cost is not None
    return ProposalCard(
        id=proposal.id, url=url, title=localized(proposal.title, t.locale),
        description=localized(proposal.description, t.locale), status=proposal.status,
        status_label=PROPOSAL_STATUSES[ProposalStatus(proposal.status)], theme=theme_label(proposal.theme, t),
        network=network, supports=proposal.supports,
        cost=proposal.official_cost if official else proposal.own_cost, cost_is_official=official,
        authors=[signed_by(a, t) for a in proposal.authors], hidden=proposal.hidden,
    )


@dataclass(frozen=True, slots=True)
class VersionLine:
    version: int
    created_at: datetime
    editor: str
    note: str
    title: Localized
    description: Localized
    of_other: int | None
    """The proposal this version belonged to, when it was merged into this one."""


def versions(rows: Sequence[ProposalVersion], proposal_id: int, t: Translator) -> list[VersionLine]:
    """Newest first, as people look for what changed last."""
    return [
        VersionLine(v.version, v.created_at, signed_by(v.editor_label, t), v.note, localized(v.title, t.locale),
                    localized(v.description, t.locale), None if v.proposal_id == proposal_id else v.proposal_id)
        for v in reversed(rows)
    ]


@dataclass(frozen=True, slots=True)
class CommentNode:
    id: int
    kind: str
    body: str
    by: str
    official: bool
    hidden: bool
    created_at: datetime
    replies: list[CommentNode] = field(default_factory=list)


def comment_tree(node: CommentPublic, t: Translator) -> CommentNode:
    return CommentNode(node.id, node.kind, node.body, signed_by(node.label, t), node.official, node.hidden,
                       node.created_at, [comment_tree(r, t) for r in node.replies])


def discussion(roots: Sequence[CommentPublic], t: Translator) -> tuple[list[CommentNode], list[CommentNode]]:
    """The thread split in two: comments with their replies, and questions with their answers."""
    comments = [comment_tree(r, t) for r in roots if r.kind != CommentKind.QUESTION.value]
    questions = [comment_tree(r, t) for r in roots if r.kind == CommentKind.QUESTION.value]
    return comments, questions


@dataclass(frozen=True, slots=True)
class ReviewLine:
    decision: str
    decision_label: LazyString
    reasons: Localized
    cost: int | None
    reviewer: str
    created_at: datetime


def review_lines(rows: Sequence[ProposalReview], t: Translator) -> list[ReviewLine]:
    return [
        ReviewLine(r.decision, FEASIBILITY[Feasibility(r.decision)], localized(r.reasons, t.locale), r.cost,
                   signed_by(r.reviewer, t), r.created_at)
        for r in reversed(rows)
    ]


@dataclass(frozen=True, slots=True)
class OfferCount:
    label: LazyString
    count: int


@dataclass(frozen=True, slots=True)
class Volunteers:
    count: int
    by_offer: list[OfferCount]
    names: list[str]
    """Only the names their volunteers agreed to show."""


KNOWN_OFFERS = frozenset(o.value for o in Offer)


def volunteers(found: VolunteerSummary) -> Volunteers:
    return Volunteers(
        count=found.count,
        by_offer=[OfferCount(OFFERS[Offer(k)], n) for k, n in found.by_offer.items() if k in KNOWN_OFFERS],
        names=[v.name for v in found.public if v.name],
    )


@dataclass(frozen=True, slots=True)
class Related:
    """Another proposal this one was merged into, or that was merged into or split from it."""

    id: int
    url: str
    title: Localized


def related(proposal: ProposalPublic, url: str, locale: Locale) -> Related:
    return Related(proposal.id, url, localized(proposal.title, locale))
