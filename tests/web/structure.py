"""Checks of a page's structure that axe does not make, on its HTML (so they run with JavaScript off too).

One ``<h1>`` whose text starts the title (after an "Error:" prefix), unique ids, a label for every control,
an action on every form and a CSRF token in every POST form, error-summary links that lead to a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
ERROR_PREFIXES = ("Virhe: ", "Fel: ", "Error: ")


@dataclass
class _Form:
    method: str
    has_action: bool
    has_csrf: bool = False


@dataclass
class Structure(HTMLParser):
    """The facts the checks need, gathered in one pass over the HTML."""

    ids: list[str] = field(default_factory=list)
    label_targets: set[str] = field(default_factory=set)
    controls: list[tuple[str, dict[str, str | None], bool]] = field(default_factory=list)
    forms: list[_Form] = field(default_factory=list)
    summary_links: list[str] = field(default_factory=list)
    h1_texts: list[str] = field(default_factory=list)
    title: str = ""
    _label_depth: int = 0
    _in_h1: int = 0
    _in_title: bool = False
    _in_summary: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "label":
            self._label_depth += 1
            if values.get("for"):
                self.label_targets.add(str(values["for"]))
        elif tag in CONTROLS:
            self.controls.append((tag, values, self._label_depth > 0))
            if tag == "input" and values.get("name") == "csrf_token" and self.forms:
                self.forms[-1].has_csrf = bool(values.get("value"))
        elif tag == "form":
            self.forms.append(_Form(str(values.get("method") or "get").lower(), bool(values.get("action"))))
        elif tag == "h1":
            self._in_h1 += 1
            self.h1_texts.append("")
        elif tag == "title":
            self._in_title = True
        elif "pb-error-summary" in str(values.get("class") or "").split():
            self._in_summary = 1
        elif self._in_summary:
            if tag == "a":
                self.summary_links.append(str(values.get("href") or ""))
            elif tag == "div":
                self._in_summary += 1  # the summary ends with the closing tag of its own <div>

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_summary:
            self._in_summary -= 1
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag == "h1":
            self._in_h1 = max(0, self._in_h1 - 1)
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_h1 and self.h1_texts:
            self.h1_texts[-1] += data
        if self._in_title:
            self.title += data


def _normal(text: str) -> str:
    return " ".join(text.split())


def problems(html: str) -> list[str]:
    """Everything wrong with the page's structure; empty when it passes."""
    page = Structure()
    page.feed(html)
    found: list[str] = []
    if len(page.h1_texts) != 1:
        found.append(f"the page has {len(page.h1_texts)} <h1> elements, not one")
    else:
        heading, title = _normal(page.h1_texts[0]), _normal(page.title)
        for prefix in ERROR_PREFIXES:
            title = title.removeprefix(prefix)
        if not heading or not title.startswith(heading):
            found.append(f"the title {page.title!r} does not start with the <h1> {heading!r}")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        found.append(f"ids used more than once: {duplicates}")
    for tag, attrs, wrapped in page.controls:
        if tag == "input" and (attrs.get("type") or "text") in UNLABELLED_INPUTS:
            continue
        labelled = wrapped or attrs.get("id") in page.label_targets
        if not (labelled or attrs.get("aria-label") or attrs.get("aria-labelledby")):
            found.append(f"<{tag} name={attrs.get('name')!r}> has no label")
    for index, form in enumerate(page.forms):
        if not form.has_action:
            found.append(f"form {index + 1} has no action")
        if form.method == "post" and not form.has_csrf:
            found.append(f"POST form {index + 1} has no CSRF token")
    for href in page.summary_links:
        if not href.startswith("#") or href[1:] not in page.ids:
            found.append(f"error summary link {href!r} leads to no field")
    return found
