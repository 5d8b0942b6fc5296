"""The checks themselves catch what they are for, so that a passing page check means something."""

from __future__ import annotations

from tests.web import axe, structure
from tests.web.conftest import NewPage, Visitor

GOOD = """<!doctype html><html lang="fi"><head><title>Virhe: Lähetä ehdotus - Tuusula</title></head><body>
<main><div class="pb-error-summary"><a href="#field-title">Anna otsikko</a></div>
<h1>Lähetä ehdotus</h1>
<form method="post" action="/tuusula/proposals"><input type="hidden" name="csrf_token" value="abc">
<label for="field-title">Otsikko</label><input id="field-title" name="title">
<label><input type="checkbox" name="consent"> Nimeni saa näkyä</label></form>
<form method="get" action="/tuusula"><input name="q" aria-label="Haku"></form></main></body></html>"""


def test_a_well_formed_page_passes() -> None:
    assert structure.problems(GOOD) == []


def test_each_structural_fault_is_reported() -> None:
    broken = (
        GOOD.replace("<h1>Lähetä ehdotus</h1>", "<h1>Lähetä ehdotus</h1><h1>Toinen</h1>")
        .replace('value="abc"', 'value=""')
        .replace('<label for="field-title">Otsikko</label>', "")
        .replace('href="#field-title"', 'href="#field-nowhere"')
        .replace('action="/tuusula"', "")
        .replace('aria-label="Haku"', 'id="field-title"')
    )
    found = structure.problems(broken)
    assert any("2 <h1>" in p for p in found)
    assert any("no CSRF token" in p for p in found)
    assert any("has no label" in p for p in found)
    assert any("leads to no field" in p for p in found)
    assert any("has no action" in p for p in found)
    assert any("more than once" in p for p in found)


def test_links_after_the_error_summary_are_not_its_links() -> None:
    after = GOOD.replace("<h1>Lähetä ehdotus</h1>", '<p><a href="/tuusula">Takaisin</a></p><h1>Lähetä ehdotus</h1>')
    assert structure.problems(after) == []
    nested = '<div><a href="/tuusula">Takaisin</a></div><a href="#field-title">'
    inside = GOOD.replace('<a href="#field-title">', nested)
    assert any("'/tuusula' leads to no field" in p for p in structure.problems(inside))


def test_a_title_that_does_not_match_the_heading_is_reported() -> None:
    assert structure.problems(GOOD.replace("<title>Virhe: Lähetä", "<title>Etusivu")) != []


def test_axe_finds_serious_violations_in_a_page(new_page: NewPage) -> None:
    page = new_page(Visitor())
    page.set_content('<html><body><main><img src="x.png"><input name="q">'
                     '<p style="color:#ccc;background:#fff">faint</p></main></body></html>')
    ids = {v["id"] for v in axe.violations(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= ids
