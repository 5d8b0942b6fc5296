"""The committed catalogues are current and complete, and every translation keeps its placeholders."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from pb.i18n import build
from pb.i18n.locales import BABEL_LOCALES, LOCALES, Locale

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_catalogues_match_the_code_and_have_no_untranslated_or_fuzzy_message() -> None:
    # Extracts from pb's code and templates, merges into each .po in memory and compares with the file.
    assert build.problems() == []


@pytest.mark.parametrize("locale", LOCALES)
def test_each_translation_uses_the_placeholders_of_its_message_id(locale: Locale) -> None:
    with build.po_path(locale).open("rb") as stream:
        catalog = read_po(stream, locale=BABEL_LOCALES[locale])
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string or [])
        expected = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if set(PLACEHOLDER.findall(s)) != expected]
    assert wrong == []


def test_a_catalogue_missing_a_message_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    template = build.extract()
    template.add("A message id that no catalogue has yet.")
    monkeypatch.setattr(build, "extract", lambda: template)
    assert any("out of date" in problem for problem in build.problems())


def test_extraction_finds_messages_in_python_lazy_strings_and_templates() -> None:
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in build.extract() if m.id}
    assert ("phase", "Voting") in ids  # lazy_pgettext in pb/web/labels.py
    assert (None, "Skip to main content") in ids  # the layout template
    assert (None, "%(count)s network") in ids  # {% trans count=... %} with {% pluralize %}
