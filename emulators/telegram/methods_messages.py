"""Bot API methods on ordinary messages: send, edit, delete, photos and files."""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import File

from emulators.telegram import errors
from emulators.telegram.errors import bad_request
from emulators.telegram.media import image_size
from emulators.telegram.method_support import (
    Handler,
    existing_message,
    formatted,
    reply_markup,
    required,
    sendable_chat,
)
from emulators.telegram.payloads import message_dict
from emulators.telegram.state import EmulatorState, StoredMessage, UploadedFile
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


async def send_message(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    text = params.get("text")
    if text is None or not str(text).strip():
        raise bad_request(errors.TEXT_EMPTY)
    text = str(text)
    parse_mode = params.get("parse_mode")
    plain, entities = formatted(
        text, parse_mode, limit=MAX_TEXT_LENGTH, too_long=errors.MESSAGE_TOO_LONG
    )
    if not plain.strip():
        raise bad_request(errors.TEXT_EMPTY)
    stored = state.store_message(
        StoredMessage(
            chat_id=chat.id,
            message_id=state.next_message_id(chat.id),
            date=state.now(),
            sender_id=state.bot_id,
            text=text,
            parse_mode=parse_mode,
            plain_text=plain,
            entities=tuple(params.get("entities") or ()) or entities,
            reply_markup=reply_markup(params),
        )
    )
    return message_dict(state, stored)


async def edit_message_text(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    stored = existing_message(state, chat, params, errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if stored.sender_id != state.bot_id:
        raise bad_request("Bad Request: message can't be edited")
    if stored.plain_text is None:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    text = str(required(params, "text"))
    parse_mode = params.get("parse_mode")
    plain, entities = formatted(
        text, parse_mode, limit=MAX_TEXT_LENGTH, too_long=errors.MESSAGE_TOO_LONG
    )
    # Leaving reply_markup out removes the keyboard, as on Telegram: a bot that edits a
    # tally without resending its buttons loses them.
    markup = reply_markup(params)
    if (plain, entities, markup) == (stored.plain_text, stored.entities, stored.reply_markup):
        raise bad_request(errors.NOT_MODIFIED)
    edited = dataclasses.replace(
        stored,
        text=text,
        parse_mode=parse_mode,
        plain_text=plain,
        entities=entities,
        reply_markup=markup,
        edit_date=state.now(),
        edits=(*stored.edits, stored.text or ""),
    )
    return message_dict(state, state.store_message(edited))


async def edit_message_reply_markup(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    stored = existing_message(state, chat, params, errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if stored.sender_id != state.bot_id:
        raise bad_request("Bad Request: message can't be edited")
    markup = reply_markup(params)
    if markup == stored.reply_markup:
        raise bad_request(errors.NOT_MODIFIED)
    edited = dataclasses.replace(stored, reply_markup=markup, edit_date=state.now())
    return message_dict(state, state.store_message(edited))


async def delete_message(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    stored = existing_message(state, chat, params, errors.MESSAGE_TO_DELETE_NOT_FOUND)
    del state.messages[chat.id][stored.message_id]
    return True


async def send_photo(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    file = _photo_file(state, params, files)
    return _media_message(state, chat.id, params, photo_file_id=file.file_id,
                          reply_markup=reply_markup(params))


async def send_document(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    """A file sent as a document (multipart upload only: the bot sends its own files)."""
    chat = sendable_chat(state, params)
    ref = params.get("document")
    part = files.get("document")
    if isinstance(ref, str) and ref.startswith("attach://"):
        part = files.get(ref.removeprefix("attach://"))
    if part is None:
        raise bad_request(errors.WRONG_FILE_ID)
    file_id, unique_id = state.next_file_ids()
    state.files[file_id] = UploadedFile(
        file_id=file_id, file_unique_id=unique_id,
        file_path=f"documents/file_{len(state.files)}", data=part.data,
        filename=part.filename, content_type=part.content_type)
    return _media_message(state, chat.id, params, document_file_id=file_id)


def _media_message(state: EmulatorState, chat_id: int, params: JsonDict,
                   **media: Any) -> object:
    """A photo or document message with its caption parsed (at most 1,024 characters)."""
    caption = params.get("caption")
    parse_mode = params.get("parse_mode")
    plain, entities = (
        formatted(
            str(caption), parse_mode, limit=MAX_CAPTION_LENGTH, too_long=errors.CAPTION_TOO_LONG
        )
        if caption
        else (None, ())
    )
    stored = state.store_message(
        StoredMessage(
            chat_id=chat_id,
            message_id=state.next_message_id(chat_id),
            date=state.now(),
            sender_id=state.bot_id,
            parse_mode=parse_mode,
            caption=plain,
            caption_entities=entities,
            **media,
        )
    )
    return message_dict(state, stored)


async def get_file(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    file = state.files.get(str(required(params, "file_id")))
    if file is None:
        raise bad_request(errors.INVALID_FILE_ID)
    return File(
        file_id=file.file_id,
        file_unique_id=file.file_unique_id,
        file_size=len(file.data),
        file_path=file.file_path,
    ).to_dict()


def _photo_file(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> UploadedFile:
    """The uploaded part, an earlier file_id, or a URL (stored without bytes: no internet)."""
    photo = params.get("photo")
    part = files.get("photo")
    if isinstance(photo, str) and photo.startswith("attach://"):
        part = files.get(photo.removeprefix("attach://"))
    if part is None and isinstance(photo, str):
        if photo in state.files:
            return state.files[photo]
        if not photo.startswith(("http://", "https://")):
            raise bad_request(errors.WRONG_FILE_ID)
    data = part.data if part else b""
    width, height = image_size(data) if part else (0, 0)
    file_id, unique_id = state.next_file_ids()
    file = UploadedFile(
        file_id=file_id,
        file_unique_id=unique_id,
        file_path=f"photos/file_{len(state.files)}.{_extension(data)}",
        data=data,
        filename=part.filename if part else None,
        content_type=part.content_type if part else None,
        width=width,
        height=height,
    )
    state.files[file_id] = file
    return file


def _extension(data: bytes) -> str:
    return "png" if data.startswith(b"\x89PNG") else "gif" if data.startswith(b"GIF") else "jpg"


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "getFile": get_file,
}
