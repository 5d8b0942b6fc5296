"""The booth's view model: a draft read from the posted form, the projects with what the voter gave them, the
running summary in words, instructions in plain language, and the cast's problems as catalogue sentences.

The rules are not repeated here: a draft is checked by :func:`pb.voting.booth.check_draft` (the cast's own
check) and the form's body by the API's :class:`pb.voting.schemas.BallotCast`. This module only counts what
the voter chose, to say it back to them, and turns problem codes into sentences with the frozen limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ballots.formats import Problem
from pb.core.models import BallotFormat
from pb.i18n import Locale, Translator
from pb.voting.booth import Booth, BoothProject
from pb.voting.receipts import Selections
from pb.voting.schemas import BallotCast
from pb.web.forms import FieldError, field_id
from pb.web.views import Localized, localized

CHOICES = "choices"
"""The ballot's fieldset as a form field (id ``field-choices``): where problems of the whole ballot point."""


@dataclass(frozen=True, slots=True)
class ProjectChoice:
    index: int
    code: str
    title: Localized
    description: Localized
    cost: int
    chosen: bool
    points: str
    """What the points field shows (cumulative)."""
    rank: str
    """The place chosen for it, "" when unranked (ranked)."""
    fits: bool
    """Knapsack: chosen, or its cost fits in what is left."""
    error: str | None = None

    @property
    def field(self) -> str:
        """The form field the error summary names (its input's id is ``field-project-<n>``)."""
        return f"project-{self.index}"

    @property
    def field_id(self) -> str:
        return field_id(self.field)


@dataclass(frozen=True, slots=True)
class Summary:
    sentences: list[str]
    """The running total in words ("180 000 € of 250 000 € used; 70 000 € left.")."""
    not_fitting: list[ProjectChoice]


@dataclass(frozen=True, slots=True)
class Draft:
    """A ballot as the form posted it: the selections (always a shape BallotCast takes) and input errors."""

    selections: Selections
    points_shown: dict[str, str]
    errors: list[FieldError]


def empty_selections(kind: BallotFormat) -> Selections:
    return {} if kind is BallotFormat.CUMULATIVE else []


def read_draft(booth: Booth, posted: Iterable[tuple[str, Any]], t: Translator) -> Draft:
    """The selections in a posted booth form; fields it cannot read become errors, never a 5xx."""
    kind = booth.rules.kind
    codes = {p.code: p for p in booth.projects}
    index = {p.code: i for i, p in enumerate(booth.projects, 1)}
    values = [(k, v) for k, v in posted if isinstance(v, str)]
    errors: list[FieldError] = []
    if kind is BallotFormat.CUMULATIVE:
        points: dict[str, int] = {}
        shown: dict[str, str] = {}
        for name, value in values:
            code = name.removeprefix("points.") if name.startswith("points.") else None
            if code is None or code not in codes:
                continue
            text = value.strip().replace("\xa0", "").replace(" ", "")
            shown[code] = value.strip()
            if not text:
                continue
            if not text.lstrip("-").isdigit() or len(text) > 7:
                errors.append(FieldError(f"project-{index[code]}", t.gettext(
                    "Enter the points for %(project)s as a whole number, such as 3.",
                    project=localized(codes[code].title, t.locale).text)))
                continue
            if int(text) != 0:
                points[code] = int(text)
        return Draft(points, shown, errors)
    if kind is BallotFormat.RANKED:
        places: dict[int, list[str]] = {}
        for name, value in values:
            code = name.removeprefix("rank.") if name.startswith("rank.") else None
            if code is None or code not in codes or not value.strip():
                continue
            if not value.strip().isdigit() or len(value.strip()) > 4:
                continue  # not an option of the select; treated as unranked
            places.setdefault(int(value), []).append(code)
        for place, shared in sorted(places.items()):
            if len(shared) > 1:
                errors.append(FieldError(f"project-{index[shared[1]]}", t.gettext(
                    "Give each project its own place: place %(place)s is given to more than one project.",
                    place=t.number(place))))
        order = [code for _, shared in sorted(places.items()) for code in shared]
        return Draft(order, {}, errors)
    chosen: list[str] = []
    for name, value in values:
        if name == "selections" and value not in chosen:
            chosen.append(value)
    return Draft(chosen, {}, errors)


def as_cast(selections: Selections, config_hash: str, nonce: str | None = None) -> BallotCast | None:
    """The API's body for these selections; None when the schema refuses it (a tampered form)."""
    try:
        return BallotCast.model_validate({"selections": selections, "config_hash": config_hash, "nonce": nonce})
    except ValidationError:
        return None


def instructions(booth: Booth, t: Translator) -> list[str]:
    """How to fill in this ballot, in plain language, with the frozen limits."""
    fmt, kind = booth.rules.format, booth.rules.kind
    low, high = fmt.min_length, fmt.max_length
    if kind is BallotFormat.CUMULATIVE:
        sentences = [t.gettext("Give points to the projects you like. More points means you want it more.")]
        if fmt.max_sum_points is not None:
            sentences.append(t.ngettext("You have %(count)s point to give.", "You have %(count)s points to give.",
                                        fmt.max_sum_points))
        if fmt.max_points is not None:
            sentences.append(t.ngettext("One project can get at most %(count)s point.",
                                        "One project can get at most %(count)s points.", fmt.max_points))
        return sentences
    if kind is BallotFormat.RANKED:
        sentences = [t.gettext("Put the projects you want in order. Place 1 is the project you want most.")]
        if high is not None:
            sentences.append(t.ngettext("You can rank %(count)s project.", "You can rank up to %(count)s projects.",
                                        high))
        sentences.append(t.gettext("Leave a project without a place if you do not want it."))
        return sentences
    sentences = [t.gettext("Choose the projects you want to be carried out.")]
    if kind is BallotFormat.KNAPSACK and fmt.max_sum_cost is not None:
        sentences.append(t.gettext("Together the projects you choose may cost at most %(amount)s.",
                                   amount=t.money(int(fmt.max_sum_cost))))
    if high is not None:
        sentences.append(t.ngettext("You can choose %(count)s project.", "You can choose up to %(count)s projects.",
                                    high))
    if low:
        sentences.append(t.ngettext("Choose at least %(count)s project.", "Choose at least %(count)s projects.", low))
    return sentences


def _chosen_codes(selections: Selections) -> list[str]:
    return list(selections) if isinstance(selections, list) else [c for c, p in selections.items() if p]


def spent(booth: Booth, selections: Selections) -> int:
    costs = {p.code: p.cost for p in booth.projects}
    return sum(costs.get(code, 0) for code in _chosen_codes(selections))


def cap(booth: Booth) -> int | None:
    limit = booth.rules.format.max_sum_cost
    return int(limit) if limit is not None else None


def project_choices(
    booth: Booth, selections: Selections, locale: Locale, *, points_shown: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
) -> list[ProjectChoice]:
    chosen = _chosen_codes(selections)
    left = None if cap(booth) is None else (cap(booth) or 0) - spent(booth, selections)
    points = selections if isinstance(selections, dict) else {}
    ranks = {code: str(place) for place, code in enumerate(selections, 1)} if isinstance(selections, list) else {}
    shown = points_shown or {}
    messages = {e.field: e.message for e in errors}
    result = []
    for i, project in enumerate(booth.projects, 1):
        result.append(ProjectChoice(
            index=i, code=project.code, title=localized(project.title, locale),
            description=localized(project.description, locale), cost=project.cost,
            chosen=project.code in chosen,
            points=shown.get(project.code, str(points[project.code]) if project.code in points else ""),
            rank=ranks.get(project.code, "") if booth.rules.kind is BallotFormat.RANKED else "",
            fits=left is None or project.code in chosen or project.cost <= left,
            error=messages.get(f"project-{i}"),
        ))
    return result


def summary(booth: Booth, selections: Selections, choices: list[ProjectChoice], t: Translator) -> Summary:
    """The running total, in words, as the live region reads it out."""
    fmt, kind = booth.rules.format, booth.rules.kind
    count = len(_chosen_codes(selections))
    sentences: list[str] = []
    if kind is BallotFormat.CUMULATIVE:
        given = sum(selections.values()) if isinstance(selections, dict) else 0
        if fmt.max_sum_points is not None:
            sentences.append(t.gettext("%(given)s of %(total)s points used; %(left)s left.",
                                       given=t.number(given), total=t.number(fmt.max_sum_points),
                                       left=t.number(max(fmt.max_sum_points - given, 0))))
        else:
            sentences.append(t.ngettext("You have given %(count)s point.", "You have given %(count)s points.", given))
    elif kind is BallotFormat.RANKED:
        sentences.append(t.ngettext("You have ranked %(count)s project.", "You have ranked %(count)s projects.",
                                    count))
    else:
        if kind is BallotFormat.KNAPSACK and cap(booth) is not None:
            limit, used = cap(booth) or 0, spent(booth, selections)
            if used <= limit:
                sentences.append(t.gettext("%(used)s of %(total)s used; %(left)s left.", used=t.money(used),
                                           total=t.money(limit), left=t.money(limit - used)))
            else:
                sentences.append(t.gettext("%(used)s of %(total)s used: %(over)s too much.", used=t.money(used),
                                           total=t.money(limit), over=t.money(used - limit)))
        sentences.append(t.ngettext("You have chosen %(count)s project.", "You have chosen %(count)s projects.",
                                    count))
    return Summary(sentences, [c for c in choices if not c.fits])


def problem_errors(
    booth: Booth, selections: Selections, problems: Sequence[Problem], t: Translator
) -> list[FieldError]:
    """Each problem the cast's check found, as a sentence naming the limit, at the field to fix."""
    kind = booth.rules.kind
    index = {p.code: i for i, p in enumerate(booth.projects, 1)}
    titles: dict[str, BoothProject] = {p.code: p for p in booth.projects}
    count = len(_chosen_codes(selections))
    errors: list[FieldError] = []
    for problem in problems:
        at = f"project-{index[problem.project_id]}" if problem.project_id in index else CHOICES
        text = _problem_text(problem, kind, count, booth, selections, t, titles)
        if not any(e.message == text for e in errors):
            errors.append(FieldError(at, text))
    return errors


def _problem_text(
    problem: Problem, kind: BallotFormat, count: int, booth: Booth, selections: Selections, t: Translator,
    titles: dict[str, BoothProject],
) -> str:
    fmt = booth.rules.format
    code = problem.code
    if code == "too-many" and fmt.max_length is not None:
        if kind is BallotFormat.RANKED:
            return t.ngettext("You can rank at most %(count)s project. Take the place away from one.",
                              "You can rank at most %(count)s projects. Take the place away from some.",
                              fmt.max_length)
        return t.ngettext("You can choose at most %(count)s project. Remove one from your choices.",
                          "You can choose at most %(count)s projects. Remove some from your choices.", fmt.max_length)
    if code == "too-few":
        if kind is BallotFormat.RANKED:
            return t.ngettext("Rank at least %(count)s project.", "Rank at least %(count)s projects.", fmt.min_length)
        return t.ngettext("Choose at least %(count)s project.", "Choose at least %(count)s projects.", fmt.min_length)
    if code == "over-cost-cap" and fmt.max_sum_cost is not None:
        return t.gettext("The projects you chose cost %(cost)s together, but you can use at most %(limit)s. "
                         "Remove a project.", cost=t.money(spent(booth, selections)),
                         limit=t.money(int(fmt.max_sum_cost)))
    if code == "under-cost-minimum" and fmt.min_sum_cost is not None:
        return t.gettext("The projects you chose cost %(cost)s together; choose projects worth at least %(limit)s.",
                         cost=t.money(spent(booth, selections)), limit=t.money(int(fmt.min_sum_cost)))
    if code == "points-out-of-range" and problem.project_id in titles:
        title = localized(titles[problem.project_id].title, t.locale).text
        if fmt.max_points is not None:
            return t.gettext("Give %(project)s from 1 to %(max)s points, or leave it empty.", project=title,
                             max=t.number(fmt.max_points))
        return t.gettext("Give %(project)s at least 1 point, or leave it empty.", project=title)
    if code == "too-many-points" and fmt.max_sum_points is not None:
        given = sum(selections.values()) if isinstance(selections, dict) else 0
        return t.gettext("You gave %(given)s points, but you have %(max)s points in all. Take some away.",
                         given=t.number(given), max=t.number(fmt.max_sum_points))
    if code == "too-few-points" and fmt.min_sum_points is not None:
        return t.ngettext("Give at least %(count)s point in all.", "Give at least %(count)s points in all.",
                          fmt.min_sum_points)
    return t.gettext("This ballot has a choice that is not on it. Reload the page and choose again.")
