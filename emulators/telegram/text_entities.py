"""Telegram's text formatting: HTML parse_mode into plain text plus entities, and bot commands.

Telegram accepts only a handful of tags and refuses the whole message on anything else, with
"can't parse entities" and a byte offset into the UTF-8 text. Bots that build HTML by string
concatenation hit this in production (an unescaped `<` or `&` in a statement), so the emulator
refuses the same inputs. Entity offsets and lengths count UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from emulators.telegram.errors import CANT_PARSE_ENTITIES, ApiError, bad_request

JsonDict = dict[str, Any]

# Tag name → entity type; span and blockquote are refined by their attributes below.
_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_START_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_END_TAG = re.compile(r"</\s*([a-zA-Z0-9-]*)\s*>")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int
    language: str | None = None


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Telegram-flavoured HTML → (plain text, entities); raises ApiError 400 like Telegram."""
    pieces: list[str] = []
    length = 0
    stack: list[_OpenTag] = []
    entities: list[JsonDict] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            # Only the four named references and numeric ones are decoded; any other `&`
            # stays literal, as Telegram does.
            ref = _CHAR_REF.match(source, i)
            text = html.unescape(ref.group(0)) if ref else "&"
            i = ref.end() if ref else i + 1
        elif char == "<":
            offset = len(source[:i].encode())
            if source.startswith("</", i):
                i = _close_tag(source, i, offset, stack, entities, length)
            else:
                i = _open_tag(source, i, offset, stack, length)
            continue
        else:
            text = char
            i += 1
        pieces.append(text)
        length += utf16_length(text)
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(pieces), entities


def command_entities(text: str) -> list[JsonDict]:
    """bot_command entities for every `/command` or `/command@bot` in a user's message."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_length(text[: match.start()]),
            "length": utf16_length(match.group(0)),
        }
        for match in _COMMAND.finditer(text)
    ]


def _open_tag(source: str, i: int, offset: int, stack: list[_OpenTag], length: int) -> int:
    match = _START_TAG.match(source, i)
    if match is None:
        if ">" not in source[i:]:
            raise _cant_parse(f"Unclosed start tag at byte offset {offset}")
        bad_name = re.match(r"<([^\s>]*)", source[i:])
        raise _cant_parse(
            f'Unsupported start tag "{bad_name.group(1) if bad_name else ""}" '
            f"at byte offset {offset}"
        )
    name = match.group(1).lower()
    attributes = {
        attr.group(1).lower(): attr.group(2) or attr.group(3) or attr.group(4) or ""
        for attr in _ATTRIBUTE.finditer(match.group(2))
    }
    if name not in _TAG_ENTITIES:
        raise _cant_parse(f'Unsupported start tag "{name}" at byte offset {offset}')
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise _cant_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    stack.append(_OpenTag(name=name, attributes=attributes, start=length))
    return match.end()


def _close_tag(
    source: str,
    i: int,
    offset: int,
    stack: list[_OpenTag],
    entities: list[JsonDict],
    length: int,
) -> int:
    match = _END_TAG.match(source, i)
    if match is None:
        raise _cant_parse(f"Unclosed end tag at byte offset {offset}")
    if not stack:
        raise _cant_parse(f"Unexpected end tag at byte offset {offset}")
    name = match.group(1).lower()
    tag = stack.pop()
    if name != tag.name:
        raise _cant_parse(
            f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
            f'found "</{name}>"'
        )
    language = tag.attributes.get("class", "").removeprefix("language-")
    if tag.name == "code" and stack and stack[-1].name == "pre" and language:
        # <pre><code class="language-x"> is one pre entity with a language, not two.
        stack[-1].language = language
    elif length > tag.start:
        entities.append(_entity(tag, length))
    return match.end()


def _entity(tag: _OpenTag, end: int) -> JsonDict:
    entity: JsonDict = {
        "type": _TAG_ENTITIES[tag.name],
        "offset": tag.start,
        "length": end - tag.start,
    }
    if tag.name == "a":
        entity["url"] = tag.attributes.get("href", "")
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    return entity


def _cant_parse(detail: str) -> ApiError:
    return bad_request(CANT_PARSE_ENTITIES.format(detail=detail))
