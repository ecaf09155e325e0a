"""Outbound translation: statements, keyboards and documents as Telegram HTML (pure functions).

Every piece of text is escaped with html.escape and wrapped in its tag in one step, so a
message is built from closed fragments only; long documents are split between lines (or,
for one overlong line, between words of its plain text), never inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import CallbackQueryLimit, MessageLimit, PollLimit

from adapters.telegram.inbound import LAYER_PREFIX, OPTION_INDEX, VOTE_PREFIX
from bot.document import AnswerButtons, Bullets, Document, Paragraph
from bot.domain import StatementState, StatementView
from bot.texts import Texts

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)  # 1024
MAX_CALLBACK_ANSWER = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200
MAX_CALLBACK_DATA = 64  # bytes
MAX_QUESTION = int(PollLimit.MAX_QUESTION_LENGTH)
MAX_OPTION = int(PollLimit.MAX_OPTION_LENGTH)
BUTTONS_PER_ROW = 2


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def tag(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def utf16_length(text: str) -> int:
    """Telegram counts text in UTF-16 code units (an emoji can count twice)."""
    return len(text.encode("utf-16-le")) // 2


# -- statements ------------------------------------------------------------------------------
def vote_data(statement_key: str, option_key: str, index: int) -> str:
    data = f"{VOTE_PREFIX}:{statement_key}:{option_key}"
    if len(data.encode()) > MAX_CALLBACK_DATA:
        data = f"{VOTE_PREFIX}:{statement_key}:{OPTION_INDEX}{index}"
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"statement key {statement_key!r} is too long for Telegram's "
                         f"{MAX_CALLBACK_DATA}-byte button data; use a key of at most "
                         f"{MAX_CALLBACK_DATA - 6} characters")
    return data


def answer_keyboard(statement_key: str,
                    options: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=vote_data(statement_key, key, i))
               for i, (key, label) in enumerate(options)]
    return InlineKeyboardMarkup(_rows(buttons, BUTTONS_PER_ROW))


def layer_keyboard(choices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=f"{LAYER_PREFIX}:{key}")
               for key, label in choices]
    return InlineKeyboardMarkup(_rows(buttons, BUTTONS_PER_ROW))


def statement_html(statement: StatementView, texts: Texts, tally_line: str | None) -> str:
    lines = [tag("i", texts.gettext("Statement · {theme}", theme=statement.theme_title)),
             tag("b", statement.text), ""]
    if statement.state == StatementState.OPEN:
        lines.append(escape(texts.gettext("Tap your position. Only you see your answer; "
                                          "you can change it as long as the statement is "
                                          "open.")))
    else:
        lines.append(escape(texts.gettext("Closed — thank you for taking a position.")))
    if tally_line:
        lines.append(tag("i", tally_line))
    return "\n".join(lines)


def statement_message(statement: StatementView, options: Sequence[tuple[str, str]],
                      texts: Texts, tally_line: str | None) -> OutgoingMessage:
    """A statement with one button per option while open; without buttons once closed."""
    keyboard = (answer_keyboard(statement.key, options)
                if statement.state == StatementState.OPEN else None)
    return OutgoingMessage(statement_html(statement, texts, tally_line), keyboard)


def poll_question(statement: StatementView) -> str | None:
    """The statement as a poll question, or None when it is too long to be one."""
    return statement.text if len(statement.text) <= MAX_QUESTION else None


def poll_options(options: Sequence[tuple[str, str]]) -> list[str]:
    return [shorten(label, MAX_OPTION) for _, label in options]


# -- short texts -----------------------------------------------------------------------------
def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def caption(text: str) -> str:
    """Plain text shortened to a photo or document caption (1,024 UTF-16 code units)."""
    limit = MAX_CAPTION
    short = shorten(text, limit)
    while utf16_length(short) > MAX_CAPTION:  # emoji count twice
        limit -= utf16_length(short) - MAX_CAPTION
        short = shorten(text, limit)
    return short


def callback_answer(make: Callable[[str], str], statement_text: str) -> str:
    """A confirmation for answerCallbackQuery (200 characters at most): the statement quoted
    in it is shortened first, so the answer itself always shows whole."""
    text = make(statement_text)
    overflow = len(text) - MAX_CALLBACK_ANSWER
    if overflow > 0:
        text = make(shorten(statement_text, max(len(statement_text) - overflow, 12)))
    return shorten(text, MAX_CALLBACK_ANSWER)


# -- documents -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Line:
    style: str | None  # "b", "i" or None
    text: str  # plain text
    prefix: str = ""  # plain, outside the tag (a bullet)

    def render(self) -> str:
        body = tag(self.style, self.text) if self.style else escape(self.text)
        return escape(self.prefix) + body


def document_messages(doc: Document, *, limit: int = MAX_TEXT) -> list[OutgoingMessage]:
    """A document as messages of at most `limit` characters each (UTF-16, markup included).

    Sections are kept together where they fit; a message that shows an AnswerButtons block
    ends there and carries its keyboard (Telegram allows one keyboard per message).
    """
    messages: list[OutgoingMessage] = []
    current: list[str] = []

    def flush(keyboard: InlineKeyboardMarkup | None = None) -> None:
        text = "\n".join(current).strip("\n")
        if text:
            messages.append(OutgoingMessage(text, keyboard))
        current.clear()

    for lines, keyboard in _groups(doc):
        rendered = [piece for line in lines for piece in _fit(line, limit)]
        if current and _size([*current, *rendered]) > limit:
            flush()
        for piece in rendered:
            if current and _size([*current, piece]) > limit:
                flush()
            current.append(piece)
        if keyboard is not None:
            if not current:  # buttons need some text to hang under
                current.append("👇")
            flush(keyboard)
    flush()
    return messages


def _groups(doc: Document) -> Iterator[tuple[list[_Line], InlineKeyboardMarkup | None]]:
    """The document as groups of lines that belong together, each with a keyboard or None."""
    head = [_Line("b", doc.title), _Line(None, doc.intro)]
    yield head, None
    for section in doc.sections:
        lines = [_Line(None, ""), _Line("b", section.title)]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines.append(_Line(None, block.text))
            elif isinstance(block, Bullets):
                lines += [_Line(None, item, prefix="• ") for item in block.items]
            elif isinstance(block, AnswerButtons):
                yield lines, answer_keyboard(block.statement_key, block.options)
                lines = []
        if lines:
            yield lines, None
    if doc.footer:
        yield [_Line(None, ""), _Line("i", doc.footer)], None


def _fit(line: _Line, limit: int) -> list[str]:
    """One line rendered, split between words of its plain text if it alone is too long."""
    rendered = line.render()
    if utf16_length(rendered) <= limit:
        return [rendered]
    # Escaping makes a character at most five long ("&amp;"); tags and prefix stay short.
    step = max(1, (limit - 16) // 5)
    words = [word[i:i + step] for word in line.text.split(" ")
             for i in range(0, max(len(word), 1), step)]
    pieces: list[str] = []
    chunk: list[str] = []
    prefix = line.prefix
    for word in words:
        candidate = _Line(line.style, " ".join([*chunk, word]), prefix)
        if chunk and utf16_length(candidate.render()) > limit:
            pieces.append(_Line(line.style, " ".join(chunk), prefix).render())
            chunk, prefix = [], ""
        chunk.append(word)
    pieces.append(_Line(line.style, " ".join(chunk), prefix).render())
    return pieces


def _size(parts: list[str]) -> int:
    return utf16_length("\n".join(parts).strip("\n"))


def _rows(buttons: list[InlineKeyboardButton],
          per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
