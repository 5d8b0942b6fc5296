"""Translating with the compiled catalogues: plain, plural, with context, and lazily."""

from __future__ import annotations

from pb.core.models import Phase
from pb.i18n import lazy_gettext, lazy_pgettext, translator, use_locale
from pb.i18n.lazy import current_locale
from pb.web.labels import PHASES


def test_messages_come_from_the_catalogue_of_the_locale() -> None:
    assert translator("fi").gettext("Skip to main content") == "Siirry pääsisältöön"
    assert translator("sv").gettext("Skip to main content") == "Hoppa till huvudinnehållet"
    assert translator("en").gettext("Skip to main content") == "Skip to main content"


def test_named_placeholders_are_filled_after_translation() -> None:
    text = translator("fi").gettext("You can send proposals until %(date)s.", date="31. maaliskuuta 2027")
    assert text == "Voit lähettää ehdotuksia 31. maaliskuuta 2027 asti."


def test_plurals_pick_the_form_and_write_the_count_as_the_locale_does() -> None:
    fi = translator("fi")
    assert fi.ngettext("%(count)s network", "%(count)s networks", 1) == "1 verkosto"
    assert fi.ngettext("%(count)s network", "%(count)s networks", 1200) == "1\xa0200 verkostoa"


def test_the_same_word_in_two_contexts_can_translate_differently() -> None:
    fi = translator("fi")
    assert fi.pgettext("timeline", "Now") == "Käynnissä"
    assert fi.gettext("Now") == "Nyt"


def test_an_unknown_message_id_shows_as_itself() -> None:
    assert translator("sv").gettext("A sentence nobody has translated.") == "A sentence nobody has translated."


def test_lazy_strings_translate_into_the_locale_of_the_block_they_are_shown_in() -> None:
    label = PHASES[Phase.VOTING]
    with use_locale("sv"):
        assert str(label) == "Omröstning"
        assert current_locale() == "sv"
    with use_locale("fi"):
        assert str(label) == "Äänestys"
    assert label.render(translator("en")) == "Voting"


def test_lazy_strings_escape_themselves_for_html() -> None:
    lazy = lazy_gettext("<b>not markup</b>")
    assert lazy.__html__() == "&lt;b&gt;not markup&lt;/b&gt;"
    assert lazy_pgettext("phase", "Voting").render(translator("fi")) == "Äänestys"
