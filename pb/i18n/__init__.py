"""Languages, message catalogues and locale-aware formatting shared by the pages, the API's messages and the results.

Pure of HTTP: nothing here imports litestar. The web layer picks a locale per request (``pb.web.locale``);
services that produce text for people take a :class:`~pb.i18n.translator.Translator` or use lazy strings.
"""

from pb.i18n.lazy import LazyString, lazy_gettext, lazy_ngettext, lazy_pgettext, use_locale
from pb.i18n.locales import DEFAULT_LOCALE, LOCALES, Locale, negotiate
from pb.i18n.translator import Translator, translator

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "LazyString",
    "Locale",
    "Translator",
    "lazy_gettext",
    "lazy_ngettext",
    "lazy_pgettext",
    "negotiate",
    "translator",
    "use_locale",
]
