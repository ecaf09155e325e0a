"""Telegram HTML from documents: every part within the limit, every tag closed, nothing lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.inbound import parse_vote_data
from adapters.telegram.outbound import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    callback_answer,
    caption,
    document_messages,
    utf16_length,
    vote_data,
)
from bot.document import Bullets, Document, Paragraph, Section
from emulators.telegram.text_entities import parse_html

words = st.text(alphabet=st.sampled_from(list("ab <>&\"'é🙂")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(title=words, paragraphs=st.lists(words, max_size=6),
       bullets=st.lists(words, max_size=12), limit=st.integers(min_value=120, max_value=600))
def test_parts_fit_and_parse_and_keep_every_character(title: str, paragraphs: list[str],
                                                      bullets: list[str], limit: int) -> None:
    doc = Document(title=title, intro="intro", footer="voet", sections=(
        Section(title=title, blocks=(*(Paragraph(p * 7) for p in paragraphs),
                                     Bullets(tuple(bullets)))),))
    parts = document_messages(doc, limit=limit)
    plain = []
    for part in parts:
        assert utf16_length(part.html) <= limit
        text, _ = parse_html(part.html)  # raises like Telegram on a broken or unknown tag
        plain.append(text)
    shown = "".join("".join(plain).split())
    for expected in (title, "intro", "voet", *(p * 7 for p in paragraphs), *bullets):
        assert "".join(expected.split()) in shown


def test_callback_answer_shortens_the_statement_not_the_answer() -> None:
    statement = "Het Rijk moet de visie bepalen; " * 10
    answer = callback_answer(lambda s: f"Je positie op “{s}”: eens. Van gedachten veranderd?",
                             statement)
    assert len(answer) <= MAX_CALLBACK_ANSWER
    assert answer.endswith("”: eens. Van gedachten veranderd?") and "…" in answer


def test_vote_data_falls_back_to_the_option_index_when_too_long() -> None:
    options = ["helemaal_eens", "eens"]
    assert parse_vote_data(vote_data("kort", "eens", 1), options) == ("kort", "eens")
    key = "k" * 50
    data = vote_data(key, "helemaal_eens", 0)
    assert len(data.encode()) <= 64 and parse_vote_data(data, options) == (key, "helemaal_eens")


def test_a_caption_fits_telegram_in_utf16_units() -> None:
    text = "Grafiek: " + "🌍 circulair " * 200
    short = caption(text)
    assert utf16_length(short) <= MAX_CAPTION and short.endswith("…")
    assert caption("kort") == "kort"
