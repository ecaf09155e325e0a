"""A document as Slack messages: within Slack's limits whatever its size, nothing lost."""

from __future__ import annotations

from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK,
    MAX_MESSAGE_TEXT,
    MAX_SECTION_TEXT,
    document_messages,
)
from bot.document import Bullets, Document, Paragraph, Section
from emulators.slack.web_api import check_limits


def texts(blocks: list[dict[str, object]]) -> list[str]:
    out = []
    for block in blocks:
        for item in [block.get("text") or {}, *(block.get("elements") or [])]:  # type: ignore[list-item]
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                out.append(item["text"])
    return out


def test_a_huge_document_is_split_within_every_limit() -> None:
    items = tuple(f"Stelling {n}: “{'lange tekst & meer ' * 12}” Rijk 40%, Gemeente 60%."
                  for n in range(600))
    doc = Document(title="Samenvatting " + "x" * 300, intro="Inleiding " * 600,
                   sections=(Section("Alle stellingen", (Bullets(items),)),
                             Section("Eén lange alinea", (Paragraph("woord " * 2000),))),
                   footer="Voet.")
    messages = document_messages(doc)
    assert len(messages) > 5
    for fallback, blocks in messages:
        assert len(fallback) <= MAX_FALLBACK
        assert len(blocks) <= MAX_BLOCKS
        assert all(len(t) <= MAX_SECTION_TEXT for t in texts(blocks))
        assert sum(len(t) for t in texts(blocks)) <= MAX_MESSAGE_TEXT
        assert blocks[-1]["type"] != "divider"
        check_limits(fallback, blocks)  # what the emulator (and Slack) would refuse
    everything = "\n".join(t for _, blocks in messages for t in texts(blocks))
    assert all(f"Stelling {n}:" in everything for n in range(600))
    assert everything.count("woord") == 2000
    assert "&amp; meer" in everything and "& meer" not in everything
    assert messages[0][0].startswith("Samenvatting") and messages[1][0].endswith(
        f"(2/{len(messages)})")
