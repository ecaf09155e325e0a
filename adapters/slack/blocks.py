"""Outbound translation: statements, tallies and documents as Block Kit (pure functions)."""

from __future__ import annotations

from typing import Any

from bot.document import AnswerButtons, Bullets, Document, Paragraph
from bot.domain import StatementView
from bot.insight.render_text import render_text
from bot.texts import Texts

VOTE_ACTION = "positie.vote"
LAYER_ACTION = "positie.layer"
MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION_TEXT = 3000

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
    """A document as one or more messages of at most MAX_BLOCKS blocks, each with a
    plain-text fallback for notifications and clients without Block Kit."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": doc.title[:150]}},
        text_section(doc.intro),
    ]
    if doc.highlights:
        blocks.append(text_section("\n".join(f"★ {h}" for h in doc.highlights)))
    for section in doc.sections:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": f"*{escape(section.title)}*"}})
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append(text_section(block.text))
            elif isinstance(block, Bullets):
                blocks.extend(_bullet_sections(block.items))
            elif isinstance(block, AnswerButtons):
                blocks.append(answer_buttons(block.statement_key, list(block.options)))
    if doc.footer:
        blocks.append({"type": "context",
                       "elements": [{"type": "mrkdwn", "text": escape(doc.footer)}]})
    fallback = render_text(doc)
    chunks = [blocks[i:i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)]
    return [(fallback if i == 0 else doc.title, chunk) for i, chunk in enumerate(chunks)]


def _bullet_sections(items: tuple[str, ...]) -> list[Block]:
    sections, current = [], ""
    for item in items:
        line = f"• {escape(item)}"
        if current and len(current) + len(line) + 1 > MAX_SECTION_TEXT:
            sections.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        sections.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
