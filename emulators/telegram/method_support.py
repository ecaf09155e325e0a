"""What several Bot API methods share: reading parameters, finding the chat, checking markup.

The order of checks follows Telegram: a missing chat is a 400, a chat the bot may not write to
is a 403, and only then are the message's own contents judged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup

from emulators.telegram import errors
from emulators.telegram.errors import bad_request, forbidden
from emulators.telegram.state import ChatState, EmulatorState, StoredMessage
from emulators.telegram.text_entities import parse_html, utf16_length
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]
Handler = Callable[[EmulatorState, JsonDict, dict[str, UploadedPart]], Awaitable[object]]

_PARSE_MODES = frozenset({"HTML", "MarkdownV2", "Markdown"})
_MAX_CALLBACK_DATA_BYTES = 64


def required(params: JsonDict, name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(errors.PARAMETER_MISSING.format(name=name))
    return value


def find_chat(state: EmulatorState, params: JsonDict) -> ChatState:
    target = required(params, "chat_id")
    if isinstance(target, str) and target.startswith("@"):
        found = next((chat for chat in state.chats.values() if chat.username == target[1:]), None)
    elif isinstance(target, int) or (isinstance(target, str) and target.lstrip("-").isdigit()):
        found = state.chats.get(int(target))
    else:
        raise bad_request(errors.PARAMETER_INVALID.format(name="chat_id"))
    if found is None:
        # Telegram knows people the bot met in a group, but it may not write to them first;
        # for anyone it never met, the private chat simply does not exist.
        if isinstance(target, int) and target in state.users:
            raise forbidden(errors.CANT_INITIATE)
        raise bad_request(errors.CHAT_NOT_FOUND)
    return found


def sendable_chat(state: EmulatorState, params: JsonDict) -> ChatState:
    """The chat named by chat_id, if the bot may post in it; Telegram's 400/403 otherwise."""
    chat = find_chat(state, params)
    if chat.type == "private":
        if chat.blocked:
            raise forbidden(errors.BOT_BLOCKED)
        if not chat.started:
            raise forbidden(errors.CANT_INITIATE)
    elif chat.bot_was_kicked:
        kicked = {
            "group": errors.BOT_KICKED_GROUP,
            "supergroup": errors.BOT_KICKED_SUPERGROUP,
            "channel": errors.BOT_NOT_MEMBER_CHANNEL,
        }
        raise forbidden(kicked[chat.type])
    elif not chat.bot_is_member:
        absent = {
            "group": errors.BOT_NOT_MEMBER_GROUP,
            "supergroup": errors.BOT_NOT_MEMBER_SUPERGROUP,
            "channel": errors.BOT_NOT_MEMBER_CHANNEL,
        }
        raise forbidden(absent[chat.type])
    return chat


def existing_message(
    state: EmulatorState, chat: ChatState, params: JsonDict, not_found: str
) -> StoredMessage:
    message_id = params.get("message_id")
    stored = state.messages.get(chat.id, {}).get(message_id) if message_id else None
    if stored is None:
        raise bad_request(not_found)
    return stored


def reply_markup(params: JsonDict) -> JsonDict | None:
    """The reply_markup parameter, validated as Telegram does before anything is sent."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        try:
            InlineKeyboardMarkup.de_json(markup, None)
        except (TypeError, KeyError, AttributeError) as exc:
            raise bad_request(
                "Bad Request: can't parse inline keyboard button: InlineKeyboardButton "
                "must be an Object"
            ) from exc
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not (
                    0 < len(str(data).encode()) <= _MAX_CALLBACK_DATA_BYTES
                ):
                    raise bad_request(errors.BUTTON_DATA_INVALID)
    return markup


def formatted(
    text: str, parse_mode: str | None, *, limit: int, too_long: str
) -> tuple[str, tuple[JsonDict, ...]]:
    """(plain text, entities) after parse_mode; the length limit applies to the plain text."""
    if parse_mode is not None and parse_mode not in _PARSE_MODES:
        raise bad_request(errors.UNSUPPORTED_PARSE_MODE)
    # Only HTML is parsed; Markdown text is stored as sent, without entities.
    plain, entities = parse_html(text) if parse_mode == "HTML" else (text, [])
    if utf16_length(plain) > limit:
        raise bad_request(too_long)
    return plain, tuple(entities)
