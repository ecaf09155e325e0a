"""Bot API methods for native polls: sendPoll and stopPoll.

Limits come from the installed python-telegram-bot's constants, which track the Bot API version
it speaks, so the emulator and the client never disagree about how many options are allowed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram.constants import PollLimit

from emulators.telegram import errors
from emulators.telegram.errors import bad_request
from emulators.telegram.method_support import (
    Handler,
    existing_message,
    reply_markup,
    required,
    sendable_chat,
)
from emulators.telegram.payloads import message_dict, poll
from emulators.telegram.state import EmulatorState, StoredMessage, StoredPoll
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]


def _option_texts(raw: object) -> tuple[str, ...]:
    # Current clients send InputPollOption objects ({"text": ...}); older ones plain strings.
    if not isinstance(raw, list):
        raise bad_request(errors.PARAMETER_INVALID.format(name="options"))
    texts = tuple(
        str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in raw
    )
    if len(texts) < PollLimit.MIN_OPTION_NUMBER:
        raise bad_request(errors.POLL_TOO_FEW_OPTIONS.format(low=PollLimit.MIN_OPTION_NUMBER))
    if len(texts) > PollLimit.MAX_OPTION_NUMBER:
        raise bad_request(errors.POLL_TOO_MANY_OPTIONS.format(high=PollLimit.MAX_OPTION_NUMBER))
    if any(
        not PollLimit.MIN_OPTION_LENGTH <= len(text) <= PollLimit.MAX_OPTION_LENGTH
        for text in texts
    ):
        raise bad_request(errors.POLL_OPTION_LENGTH.format(high=PollLimit.MAX_OPTION_LENGTH))
    return texts


async def send_poll(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    question = str(required(params, "question"))
    if len(question) > PollLimit.MAX_QUESTION_LENGTH:
        raise bad_request(errors.POLL_QUESTION_LENGTH.format(high=PollLimit.MAX_QUESTION_LENGTH))
    options = _option_texts(required(params, "options"))
    is_anonymous = params.get("is_anonymous", True) is not False
    if chat.type == "channel" and not is_anonymous:
        raise bad_request(errors.POLL_ANONYMOUS_REQUIRED)
    poll_type = str(params.get("type") or "regular")
    poll_id = state.next_poll_id()
    message_id = state.next_message_id(chat.id)
    state.polls[poll_id] = StoredPoll(
        id=poll_id,
        chat_id=chat.id,
        message_id=message_id,
        question=question,
        options=options,
        persistent_ids=tuple(
            state.persistent_option_id(poll_id, index) for index in range(len(options))
        ),
        type=poll_type,
        is_anonymous=is_anonymous,
        allows_multiple_answers=bool(params.get("allows_multiple_answers", False)),
        # Bot API 9.6: revoting defaults to allowed for regular polls, not for quizzes.
        allows_revoting=bool(params.get("allows_revoting", poll_type == "regular")),
        is_closed=bool(params.get("is_closed", False)),
    )
    stored = state.store_message(
        StoredMessage(
            chat_id=chat.id,
            message_id=message_id,
            date=state.now(),
            sender_id=state.bot_id,
            poll_id=poll_id,
            reply_markup=reply_markup(params),
        )
    )
    return message_dict(state, stored)


async def stop_poll(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    chat = sendable_chat(state, params)
    stored = existing_message(state, chat, params, errors.POLL_TO_STOP_NOT_FOUND)
    if stored.poll_id is None:
        raise bad_request(errors.POLL_TO_STOP_NOT_FOUND)
    stored_poll = state.polls[stored.poll_id]
    if stored_poll.is_closed:
        raise bad_request(errors.POLL_ALREADY_CLOSED)
    stored_poll.is_closed = True
    markup = reply_markup(params)
    if markup is not None:
        state.store_message(dataclasses.replace(stored, reply_markup=markup))
    result = poll(stored_poll).to_dict()
    if state.poll_state_updates:
        # Telegram tells the bot about polls it stopped, as a `poll` update.
        state.updates.push("poll", result)
    return result


HANDLERS: dict[str, Handler] = {
    "sendPoll": send_poll,
    "stopPoll": stop_poll,
}
