"""No text a person reads is written into a template outside the catalogues (every word goes through gettext)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from pb.web.templating import TEMPLATES

READ_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "aria-description", "aria-roledescription"})
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"
"""Stands for whatever the template computes (a translated message, a value): never literal text."""
TEMPLATE_FILES = sorted(p for p in TEMPLATES.rglob("*.html"))
NOT_TEXT = {
    "components/forms.html": ["field"],  # field_id() builds element ids ("field-title"), never shown
}


ATTRIBUTES_ONLY = re.compile(r'^\s*(?:[\w:-]+="[^"<>]*"?\s*)+$|^\s*[\w:-]+="$')
"""A fragment that is only attribute syntax: a macro writing part of a tag (``aria-describedby="...``)."""


def _readable(html: str) -> list[str]:
    """What a browser shows or reads out of ``html``: text between tags, and the readable attributes' values."""
    found: list[str] = []
    text: list[str] = []
    name: list[str] = []
    value: list[str] = []
    state, quote, attribute = "text", "", ""
    for char in html:
        if state == "text":
            if char == "<":
                found.append("".join(text))
                text, state, name = [], "tag", []
            else:
                text.append(char)
        elif state == "tag":
            if char == ">":
                state = "text"
            elif char in "\"'":
                attribute, state, quote, value = "".join(name).strip(" =").lower(), "value", char, []
            elif char.isspace():
                name = []
            else:
                name.append(char)
        elif char == quote:
            if attribute in READ_ATTRIBUTES:
                found.append("".join(value))
            state, name = "tag", []
        else:
            value.append(char)
    found.append("".join(text))
    return found


def literal_text(source: str) -> list[str]:
    """Words a template prints as written, outside ``_()``, ``{% trans %}`` and every other expression."""
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)  # noqa: S701 (parsed, never rendered)
    fragments = [n.data for n in tree.find_all(nodes.TemplateData) if not ATTRIBUTES_ONLY.match(n.data)]
    return [word for text in _readable(HOLE.join(fragments)) for word in WORD.findall(text.replace(HOLE, " "))]


def test_the_check_finds_literal_text_and_lets_translated_text_pass() -> None:
    assert literal_text("<p>Vote now</p>") == ["Vote", "now"]
    assert literal_text('<img alt="Logo" src="{{ x }}">') == ["Logo"]
    assert literal_text("<p>{{ _('Vote now') }}</p><p>{% trans %}Vote {{ n }}{% endtrans %}</p>") == []
    assert literal_text('<a href="/x?a=b" class="hds-button">{{ label }}</a><script src="/s.js"></script>') == []


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_word_in_the_template_comes_from_the_catalogue(template: Path) -> None:
    expected = NOT_TEXT.get(str(template.relative_to(TEMPLATES)), [])

    assert literal_text(template.read_text(encoding="utf-8")) == expected
