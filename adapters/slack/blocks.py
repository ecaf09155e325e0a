"""Outbound translation: statements, tallies and documents as Block Kit (pure functions)."""

from __future__ import annotations

from typing import Any

from bot.document import AnswerButtons, Bullets, Document, Paragraph
from bot.domain import StatementView
from bot.texts import Texts

VOTE_ACTION = "positie.vote"
LAYER_ACTION = "positie.layer"
MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION_TEXT = 3000
MAX_HEADER = 150
# Block text per message: well under the ~13,000 characters from which Slack answers
# msg_blocks_too_long (slackapi/bolt-js#2509), though no limit is documented there.
MAX_MESSAGE_TEXT = 10_000
MAX_FALLBACK = 3000  # Slack recommends keeping `text` under 4,000 characters

Block = dict[str, Any]


def escape(text: str) -> str:
    """mrkdwn control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vote_value(statement_key: str, option_key: str) -> str:
    return f"{statement_key}:{option_key}"


def answer_buttons(statement_key: str, options: list[tuple[str, str]]) -> Block:
    return {
        "type": "actions",
        "block_id": f"{VOTE_ACTION}:{statement_key}",
        "elements": [
            {"type": "button", "action_id": f"{VOTE_ACTION}.{option}",
             "text": {"type": "plain_text", "text": label[:75], "emoji": True},
             "value": vote_value(statement_key, option)}
            for option, label in options
        ],
    }


def statement_blocks(statement: StatementView, labels: list[tuple[str, str]], texts: Texts,
                     tally_line: str | None) -> list[Block]:
    blocks: list[Block] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(
            texts.gettext("Statement · {theme}", theme=statement.theme_title))}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(statement.text)}*"}},
    ]
    if statement.state == "open":
        blocks.append(answer_buttons(statement.key, labels))
        footer = texts.gettext("Tap your position. Only you see your answer; "
                               "you can change it as long as the statement is open.")
    else:
        footer = texts.gettext("Closed — thank you for taking a position.")
    if tally_line:
        footer = f"{footer}\n{tally_line}"
    blocks.append({"type": "context", "block_id": "positie.footer",
                   "elements": [{"type": "mrkdwn", "text": escape(footer)}]})
    return blocks


def layer_buttons(choices: list[tuple[str, str]]) -> Block:
    return {
        "type": "actions",
        "block_id": LAYER_ACTION,
        "elements": [
            {"type": "button", "action_id": f"{LAYER_ACTION}.{key}",
             "text": {"type": "plain_text", "text": label[:75]}, "value": key}
            for key, label in choices
        ],
    }


def text_section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": escape(text)}}


def document_messages(doc: Document) -> list[tuple[str, list[Block]]]:
    """A document as one or more messages, each within Slack's limits: at most MAX_BLOCKS
    blocks, MAX_SECTION_TEXT characters per section and MAX_MESSAGE_TEXT of block text in
    all, with a short plain-text fallback (notifications, clients without Block Kit)."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(doc.title, MAX_HEADER)}},
        *_text_sections(escape(doc.intro)),
    ]
    for section in doc.sections:
        blocks.append({"type": "divider"})
        blocks.extend(_text_sections(f"*{escape(section.title)}*"))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.extend(_text_sections(escape(block.text)))
            elif isinstance(block, Bullets):
                blocks.extend(_bullet_sections(block.items))
            elif isinstance(block, AnswerButtons):
                blocks.append(answer_buttons(block.statement_key, list(block.options)))
    if doc.footer:
        blocks.extend({"type": "context", "elements": [{"type": "mrkdwn", "text": piece}]}
                      for piece in _split(escape(doc.footer), MAX_SECTION_TEXT))
    chunks = _pack(blocks)
    first = _cut(f"{doc.title}\n{doc.intro}", MAX_FALLBACK)
    return [(first if i == 0 else f"{_cut(doc.title, MAX_FALLBACK - 10)} ({i + 1}/{len(chunks)})",
             chunk) for i, chunk in enumerate(chunks)]


def _text_of(block: Block) -> int:
    if "text" in block:
        return len(block["text"].get("text", ""))
    return sum(len(e.get("text", "")) for e in block.get("elements", [])
               if isinstance(e.get("text"), str))


def _pack(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive blocks into messages of at most MAX_BLOCKS and MAX_MESSAGE_TEXT; a divider
    never ends a message."""
    chunks: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = _text_of(block)
        current = chunks[-1]
        if current and (len(current) >= MAX_BLOCKS or size + length > MAX_MESSAGE_TEXT):
            moved = [current.pop()] if current[-1].get("type") == "divider" else []
            chunks.append(moved)
            size = 0
        chunks[-1].append(block)
        size += length
    return [chunk for chunk in chunks if chunk]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _split(text: str, limit: int) -> list[str]:
    """Escaped mrkdwn in pieces of at most `limit`, between lines, else between words."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        at = rest.rfind("\n", 0, limit + 1)
        if at <= 0:
            at = rest.rfind(" ", 0, limit + 1)
        if at <= 0:
            at = limit
            while rest.rfind("&", at - 5, at) != -1 and at > limit - 5:  # not inside &amp;
                at -= 1
        pieces.append(rest[:at])
        rest = rest[at:].lstrip("\n ")
    if rest:
        pieces.append(rest)
    return pieces


def _text_sections(mrkdwn: str) -> list[Block]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
            for piece in _split(mrkdwn, MAX_SECTION_TEXT)]


def _bullet_sections(items: tuple[str, ...]) -> list[Block]:
    sections, current = [], ""
    for item in items:
        for line in _split(f"• {escape(item)}", MAX_SECTION_TEXT):
            if current and len(current) + len(line) + 1 > MAX_SECTION_TEXT:
                sections.append(current)
                current = ""
            current = f"{current}\n{line}" if current else line
    if current:
        sections.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
