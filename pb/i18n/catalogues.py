"""The compiled message catalogues: ``pb/locale/<locale>/LC_MESSAGES/messages.mo``, one domain for all of pb."""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

from pb.i18n.locales import Locale

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LOCALE: Locale = "en"
"""Message ids are English sentences; the English catalogue may still override one (it must translate every id)."""


class CatalogueMissing(RuntimeError):
    """A catalogue has not been compiled: ``./dev`` compiles them (``pybabel compile -d pb/locale``)."""


def catalogue_path(locale: Locale) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


@functools.cache
def load(locale: Locale) -> NullTranslations:
    """The compiled catalogue of ``locale``, read once per process."""
    compiled, source = catalogue_path(locale), catalogue_path(locale).with_suffix(".po")
    if not compiled.exists():
        raise CatalogueMissing(f"{compiled} is missing: run ./dev (or pybabel compile -d {LOCALE_DIR} -D {DOMAIN})")
    if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
        raise CatalogueMissing(f"{compiled} is older than its .po: run ./dev (or pybabel compile) again")
    with compiled.open("rb") as stream:
        return Translations(stream, domain=DOMAIN)
