"""Every user text in the code has a Dutch translation in the catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.texts import LOCALE_DIR, texts_for

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}


def used_msgids() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "adapters", "positie", "scheduling", "report"):
        for _, _, message, _, _ in extract_from_dir(ROOT / package, keywords=KEYWORDS,
                                                    comment_tags=()):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_text_is_translated_to_dutch() -> None:
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "positie.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog
                  if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    assert used_msgids() - translated == set()


def test_dutch_is_default_and_english_available() -> None:
    assert texts_for("nl").gettext("agree") == "eens"
    assert texts_for("en").gettext("agree") == "agree"
    assert texts_for("nl").ngettext("Tally ({n} answer): {parts}",
                                    "Tally ({n} answers): {parts}", 2,
                                    parts="x") == "Tussenstand (2 antwoorden): x"
