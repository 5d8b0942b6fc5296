"""The Jinja environment of the pages: autoescaped, strict about undefined names, translated per request.

Templates receive the request's :class:`~pb.i18n.Translator` as ``t`` and the page's view model as ``page``.
``_()``, ``ngettext()``, ``pgettext()``, ``npgettext()`` and ``{% trans %}`` translate with ``t``; placeholders are
named (``_("%(name)s's budget", name=...)``) and filled after escaping. Lazy strings print in ``t``'s language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from pb.i18n import LazyString, Translator
from pb.web.static_files import StaticFiles

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _translator(context: Context) -> Translator:
    translator: Translator = context["t"]
    return translator


def _fill(context: Context, text: str, variables: dict[str, Any]) -> str:
    translator = _translator(context)
    values = {k: v.render(translator) if isinstance(v, LazyString) else v for k, v in variables.items()}
    if context.eval_ctx.autoescape:
        # The text is a translation from pb's own catalogue; the values are escaped by the % operator.
        return Markup(text) % values  # noqa: S704
    return text % values if values else text


@pass_context
def _gettext(context: Context, message: str, /, **variables: Any) -> str:
    return _fill(context, _translator(context).translations.gettext(message), variables)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int, /, **variables: Any) -> str:
    translator = _translator(context)
    text = translator.translations.ngettext(singular, plural, count)
    return _fill(context, text, _counted(translator, count, variables))


@pass_context
def _pgettext(context: Context, message_context: str, message: str, /, **variables: Any) -> str:
    return _fill(context, str(_translator(context).translations.pgettext(message_context, message)), variables)


@pass_context
def _npgettext(
    context: Context, message_context: str, singular: str, plural: str, count: int, /, **variables: Any
) -> str:
    translator = _translator(context)
    text = str(translator.translations.npgettext(message_context, singular, plural, count))
    return _fill(context, text, _counted(translator, count, variables))


def _counted(translator: Translator, count: int, variables: dict[str, Any]) -> dict[str, Any]:
    """``num`` and the ``{% trans count=... %}`` variable become the count as the locale writes numbers."""
    shown = translator.number(count)
    return {"num": shown, **{k: shown if v is count else v for k, v in variables.items()}}


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    if isinstance(value, LazyString):
        return value.render(_translator(context))
    return value


@pass_context
def _money(context: Context, cents: int) -> str:
    return _translator(context).money(cents)


@pass_context
def _number(context: Context, value: int | float) -> str:
    return _translator(context).number(value)


@pass_context
def _date(context: Context, value: Any, style: str = "long") -> str:
    return _translator(context).date(value, style=style)  # type: ignore[arg-type]


@pass_context
def _datetime(context: Context, value: Any, style: str = "long") -> str:
    return _translator(context).datetime(value, style=style)  # type: ignore[arg-type]


def create_environment(static: StaticFiles) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    # {% trans %} calls these with its variables as keywords; they escape, fill and format counts themselves.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext)
    env.globals["static_url"] = static.url
    env.filters.update(money=_money, number=_number, date=_date, datetime=_datetime)
    return env
