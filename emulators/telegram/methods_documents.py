"""sendDocument: a file the bot sends (an export), kept with its bytes for the tests."""

from __future__ import annotations

from typing import Any

from emulators.telegram import errors
from emulators.telegram.errors import bad_request
from emulators.telegram.method_support import Handler, formatted, reply_markup, sendable_chat
from emulators.telegram.payloads import message_dict
from emulators.telegram.state import EmulatorState, StoredMessage, UploadedFile
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]
MAX_CAPTION_LENGTH = 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # what a bot may upload


async def send_document(state: EmulatorState, params: JsonDict,
                        files: dict[str, UploadedPart]) -> object:
    chat = sendable_chat(state, params)
    reference = params.get("document")
    part = files.get("document")
    if isinstance(reference, str) and reference.startswith("attach://"):
        part = files.get(reference.removeprefix("attach://"))
    if part is None:
        raise bad_request(errors.PARAMETER_MISSING.format(name="document"))
    if len(part.data) > MAX_DOCUMENT_BYTES:
        raise bad_request("Bad Request: file is too big")
    file_id, unique_id = state.next_file_ids()
    state.files[file_id] = UploadedFile(
        file_id=file_id, file_unique_id=unique_id,
        file_path=f"documents/file_{len(state.files)}", data=part.data,
        filename=part.filename, content_type=part.content_type)
    caption = params.get("caption")
    plain, entities = formatted(str(caption), params.get("parse_mode"), limit=MAX_CAPTION_LENGTH,
                                too_long=errors.CAPTION_TOO_LONG) if caption else (None, ())
    stored = state.store_message(StoredMessage(
        chat_id=chat.id, message_id=state.next_message_id(chat.id), date=state.now(),
        sender_id=state.bot_id, document_file_id=file_id, caption=plain,
        caption_entities=entities, reply_markup=reply_markup(params)))
    return message_dict(state, stored)


HANDLERS: dict[str, Handler] = {"sendDocument": send_document}
