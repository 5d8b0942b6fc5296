"""Building the catalogues: extract message ids, update the .po files, compile them, check they are complete.

``python -m pb.i18n.build update`` (``./dev messages``) extracts from ``pb/**.py`` and the templates (``babel.cfg``)
and merges into ``pb/locale/<locale>/LC_MESSAGES/messages.po``; ``compile`` writes the ``.mo`` files (``./dev``
does it before ``demo`` and ``test``); ``check`` exits 1 when a .po is out of date or has an untranslated or fuzzy
message. The .po files carry file names but no line numbers, so moving code does not change them.
"""

from __future__ import annotations

import ast
import io
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from pb.i18n.catalogues import DOMAIN, LOCALE_DIR, SOURCE_LOCALE
from pb.i18n.locales import BABEL_LOCALES, LOCALES

ROOT = LOCALE_DIR.parent.parent
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
    "lazy_gettext": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)
"""Header dates stay put, so that a catalogue changes only when its messages do."""
WIDTH = 120
HEADER = "# pb's messages. Edit the translations here; ./dev messages adds and removes message ids."


def extract() -> Catalog:
    """Every message id in pb's Python code and templates, as a template catalogue."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    template = Catalog(project="pb", creation_date=FIXED_DATE, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True,
        directory_filter=_inside_pb,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for filename, lineno, message in error_messages():
        existing = template.get(message)
        if existing is None:
            template.add(message, None, [(filename, lineno)], flags=("python-format",) if "%(" in message else ())
        else:
            existing.locations.append((filename, lineno))
    return template


def error_messages() -> list[tuple[str, int, str]]:
    """(file, line, message) of every error's title and every literal detail it is raised with.

    Errors (``pb.core.errors.PbError`` and its subclasses, wherever defined) are not gettext calls: their
    sentences are message ids by convention, translated when a problem detail is answered. Found from the source,
    without importing it: the classes whose bases lead to ``PbError``, then their ``title`` attributes and the
    first argument of every call to one of them; the literal titles and details of ``problem(...)``; and the
    messages of checks across fields (``disagreement(...)``).
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "pb").rglob("*.py"))}
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(b) for b in node.bases)
    errors = {"PbError"}
    while grown := {c for c, b in bases.items() if c not in errors and b & errors}:
        errors |= grown
    found: list[tuple[str, int, str]] = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in errors:
                found.extend(
                    (where, item.lineno, item.value.value) for item in node.body
                    if isinstance(item, ast.Assign | ast.AnnAssign) and _is_title(item)
                    and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)
                )
            elif isinstance(node, ast.Call) and _name(node.func) in errors and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((where, node.lineno, first.value))
            elif isinstance(node, ast.Call) and _name(node.func) == "disagreement" and node.args:
                first = node.args[0]  # a check across fields (pb.core.schemas.disagreement)
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((where, node.lineno, first.value))
            elif isinstance(node, ast.Call) and _name(node.func) == "problem":  # pb.http.problems' own answers
                found.extend(
                    (where, node.lineno, k.value.value) for k in node.keywords
                    if k.arg in ("title", "detail") and isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                )
    return found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _is_title(item: ast.Assign | ast.AnnAssign) -> bool:
    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
    return any(isinstance(t, ast.Name) and t.id == "title" for t in targets)


def _inside_pb(directory: str) -> bool:
    # Not resolved: a symlinked .venv or node_modules (a second worktree's) points outside the tree.
    parts = Path(os.path.abspath(directory)).relative_to(ROOT).parts
    return bool(parts) and parts[0] == "pb" and not any(p.startswith((".", "_")) for p in parts)


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(locale: str, template: Catalog) -> bytes:
    """The .po of ``locale`` merged with ``template``: new ids empty, vanished ids dropped, no fuzzy guesses."""
    path = po_path(locale)
    if path.exists():
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=BABEL_LOCALES[locale], domain=DOMAIN)  # type: ignore[index]
    else:
        catalog = Catalog(locale=BABEL_LOCALES[locale], domain=DOMAIN, project="pb",  # type: ignore[index]
                          version="", copyright_holder="pb contributors", msgid_bugs_address="",
                          header_comment=HEADER, creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    if locale == SOURCE_LOCALE:
        # Message ids are English: a new one starts as its own translation, which the catalogue may then improve.
        for message in catalog:
            if message.id and not any(_strings(message.string)):
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    for locale in LOCALES:
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(updated(locale, template))


def compile_catalogues() -> None:
    for locale in LOCALES:
        with po_path(locale).open("rb") as stream:
            catalog = read_po(stream, locale=BABEL_LOCALES[locale], domain=DOMAIN)
        with po_path(locale).with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)


def problems() -> list[str]:
    """What keeps the committed catalogues from being complete and current; empty when all is well."""
    template = extract()
    found: list[str] = []
    for locale in LOCALES:
        path = po_path(locale)
        if not path.exists() or _comparable(path.read_bytes()) != _comparable(updated(locale, template)):
            found.append(f"{path.relative_to(ROOT)} is out of date: run ./dev messages and translate")
            continue
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=BABEL_LOCALES[locale], domain=DOMAIN)
        for message in catalog:
            if not message.id:
                continue
            label = f"{locale}: {message.context + ' | ' if message.context else ''}{_first(message.id)!r}"
            if message.fuzzy:
                found.append(f"{label} is fuzzy")
            elif not all(_strings(message.string)):
                found.append(f"{label} is not translated")
    return found


def _comparable(po: bytes) -> list[bytes]:
    """The catalogue's lines but the one naming the Babel version that wrote it."""
    return [line for line in po.splitlines() if not line.startswith(b'"Generated-By:')]


def _first(message_id: str | Sequence[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _strings(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogues()
    elif command == "check":
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    else:
        print("usage: python -m pb.i18n.build update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
