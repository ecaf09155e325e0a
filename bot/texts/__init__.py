"""User-facing texts: one gettext catalogue per language (English msgids, Dutch by default).

The .po files are read with Babel and compiled in memory, so there is no build step and a
missing translation falls back to the English text instead of failing.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("nl", "en")
DOMAIN = "positie"


class Texts:
    """Translations for one language; `gettext` and `ngettext` take str.format arguments."""

    def __init__(self, *, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str, /, **values: Any) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **values)


@cache
def texts_for(language: str) -> Texts:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.exists():
        return Texts(language=language, translations=gettext.NullTranslations())
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Texts(language=language, translations=gettext.GNUTranslations(buffer))
