"""A platform-neutral document: what a digest says, not how a platform shows it.

All text is plain; each renderer (Block Kit, Telegram HTML, terminal) escapes and styles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnswerButtons:
    """A call to action: the answer buttons of an open statement."""

    statement_key: str
    options: tuple[tuple[str, str], ...]  # (option key, label)


Block = Paragraph | Bullets | AnswerButtons


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a document where the platform allows (the full table)."""

    filename: str
    title: str
    text: str  # UTF-8 plain text


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    intro: str
    sections: tuple[Section, ...]
    footer: str = ""
    attachments: tuple[Attachment, ...] = field(default=())
    chart_alt: str = ""  # what the chart posted with the document shows, for screen readers
