"""Forms: posted fields validated by the API's own pydantic schema, errors as catalogue messages per field.

A page's form reads ``await read_form(page, Schema, messages=...)``. Field names are the schema's paths
(``name.fi`` for ``{"name": {"fi": ...}}``); blank fields count as not given, so defaults apply and a required
field gets its "missing" message. Each error becomes the message the form gives for (field, pydantic error
type), else a general one for the type: never pydantic's English. The handler re-renders with 422 when
``form.data`` is None, else does the work and redirects with 303.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from pb.i18n import LazyString, Locale, Translator, lazy_gettext
from pb.web import csrf
from pb.web.context import PageContext

Model = TypeVar("Model", bound=BaseModel)
Messages = Mapping[tuple[str | None, str], LazyString]
"""(field path, or None for any field; pydantic error type or a converter's code) -> message."""
Converter = Callable[[str, Locale], Any]


class ConversionError(ValueError):
    """A posted value that is not the kind of value the field takes; ``code`` picks the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


GENERAL_MESSAGES: dict[str, LazyString] = {
    "missing": lazy_gettext("Fill in this field."),
    "string_too_short": lazy_gettext("Fill in this field."),
    "string_too_long": lazy_gettext("Shorten the text to at most %(max_length)s characters."),
    "too_long": lazy_gettext("Choose at most %(max_length)s."),
    "too_short": lazy_gettext("Choose at least %(min_length)s."),
    "string_pattern_mismatch": lazy_gettext("Check the format of this field."),
    "int_parsing": lazy_gettext("Enter a whole number, such as 12."),
    "int_type": lazy_gettext("Enter a whole number, such as 12."),
    "greater_than_equal": lazy_gettext("Enter a number that is %(ge)s or more."),
    "greater_than": lazy_gettext("Enter a number that is more than %(gt)s."),
    "less_than_equal": lazy_gettext("Enter a number that is %(le)s or less."),
    "less_than": lazy_gettext("Enter a number that is less than %(lt)s."),
    "literal_error": lazy_gettext("Choose one of the options."),
    "enum": lazy_gettext("Choose one of the options."),
    "bool_parsing": lazy_gettext("Choose yes or no."),
    "money": lazy_gettext("Enter an amount in euros, such as 1 250 or 1 250,50."),
    "whole_number": lazy_gettext("Enter a whole number, such as 12."),
    "extra_forbidden": lazy_gettext("This form does not take this field."),
}
FALLBACK = lazy_gettext("Check this field.")


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str

    @property
    def anchor(self) -> str:
        """The id of the field's input, which the error summary links to."""
        return field_id(self.field)


@dataclass(slots=True)
class Form(Generic[Model]):
    """A form as submitted: its values (to show again), its errors, and the valid data when there are none."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    data: Model | None = None

    def error(self, name: str) -> str | None:
        return next((e.message for e in self.errors if e.field == name), None)

    def value(self, name: str) -> Any:
        return self.values.get(name, "")

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def field_id(name: str) -> str:
    """The id of a field's input: ``name.fi`` -> ``field-name-fi``."""
    return "field-" + name.replace(".", "-").replace("_", "-")


EUROS = re.compile(r"^\d{1,13}(?:[.,]\d{1,2})?$")


def euros_to_cents(text: str, locale: Locale) -> int:
    """``"1 250,50 €"`` (any locale's spaces and a comma or point) -> ``125050``."""
    cleaned = text.replace("\xa0", "").replace("\u202f", "").replace(" ", "").removesuffix("€")
    if not EUROS.match(cleaned):
        raise ConversionError("money")
    return int(Decimal(cleaned.replace(",", ".")) * 100)


def whole_number(text: str, locale: Locale) -> int:
    cleaned = text.replace("\xa0", "").replace(" ", "")
    if not cleaned.lstrip("-").isdigit() or len(cleaned) > 18:
        raise ConversionError("whole_number")
    return int(cleaned)


def one_or_more(text: str, locale: Locale) -> list[str]:
    """A group of checkboxes with one box ticked: still a list, as the schema takes it."""
    return [text]


def nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted field names into the nested body the schema takes."""
    body: dict[str, Any] = {}
    for name, value in values.items():
        *parents, leaf = name.split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return body


def message_for(error_field: str | None, code: str, context: Mapping[str, Any], messages: Messages,
                translator: Translator) -> str:
    chosen = messages.get((error_field, code)) or messages.get((None, code)) or GENERAL_MESSAGES.get(code, FALLBACK)
    values = {k: v for k, v in context.items() if isinstance(v, int | str)}
    return chosen.render(translator, **values) if "%(" in chosen.message else chosen.render(translator)


def validate(
    schema: type[Model],
    submitted: Mapping[str, Any],
    translator: Translator,
    *,
    messages: Messages | None = None,
    converters: Mapping[str, Converter] | None = None,
    field_order: list[str] | None = None,
) -> Form[Model]:
    """Validate ``submitted`` (field path -> str or list of str) with ``schema``; errors in field order."""
    messages, converters = messages or {}, converters or {}
    shown = {k: v for k, v in submitted.items() if k != csrf.FIELD}
    given = {k: v.strip() if isinstance(v, str) else v for k, v in shown.items()}
    given = {k: v for k, v in given.items() if v not in ("", [], None)}
    form: Form[Model] = Form(values=dict(shown))
    for name, convert in converters.items():
        if isinstance(given.get(name), str):
            try:
                given[name] = convert(given[name], translator.locale)
            except ConversionError as exc:
                form.errors.append(FieldError(name, message_for(name, exc.code, {}, messages, translator)))
                given.pop(name)
    order = field_order or list(submitted)
    try:
        data = schema.model_validate(nest(given))
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            raw = ".".join(str(part) for part in error["loc"])
            at = _input_for(raw, order)
            # A group's own error (``title``: no language given) may have a message apart from its inputs'.
            keyed = raw if (raw, error["type"]) in messages else at or None
            text = message_for(keyed, error["type"], error.get("ctx") or {}, messages, translator)
            if not any(e.field == at for e in form.errors):
                form.errors.append(FieldError(at, text))
        data = None
    form.errors.sort(key=lambda e: order.index(e.field) if e.field in order else len(order))
    form.data = None if form.errors else data
    return form


def _input_for(name: str, inputs: list[str]) -> str:
    """The input an error belongs to: a missing group (``name``) is reported at its first input (``name.fi``)."""
    if name in inputs:
        return name
    return next((i for i in inputs if i.startswith(name + ".")), name) if name else name


async def read_form(
    page: PageContext,
    schema: type[Model],
    *,
    messages: Messages | None = None,
    converters: Mapping[str, Converter] | None = None,
    field_order: list[str] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Form[Model]:
    """The posted form validated with ``schema`` (its CSRF token was checked before the handler ran).

    ``ignore`` names fields the page reads itself (which of two schemas applies), never given to the schema.
    """
    posted = await page.request.form()
    submitted: dict[str, Any] = {}
    for name, value in posted.multi_items():
        if isinstance(value, str) and name not in ignore:
            previous = submitted.get(name)
            submitted[name] = value if previous is None else [*_as_list(previous), value]
    return validate(schema, submitted, page.t, messages=messages, converters=converters, field_order=field_order)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
