"""The user side: what people do in Telegram, queued as the updates Telegram would send.

Each helper checks that the action is possible for a person (pressing a button that exists,
voting in an open poll) and raises ValueError/LookupError otherwise: a test that asks for the
impossible is wrong, and should say so instead of feeding the bot an update Telegram never sends.
The helpers return the queued update as JSON, or None when Telegram would not tell the bot.
"""

from __future__ import annotations

from typing import Any

from emulators.telegram.payloads import (
    bot_added_dict,
    bot_removed_dict,
    callback_query_dict,
    message_dict,
    poll,
    poll_answer_dict,
)
from emulators.telegram.state import ChatState, EmulatedUser, EmulatorState, StoredMessage
from emulators.telegram.text_entities import command_entities

JsonDict = dict[str, Any]


def user_starts_bot(state: EmulatorState, user: EmulatedUser) -> JsonDict | None:
    """The person opens the private chat and presses Start: the bot may now write to them."""
    chat = state.private_chat_for(user)
    chat.started = True
    chat.blocked = False
    return user_sends(state, user, user.id, "/start")


def user_sends(
    state: EmulatorState, user: EmulatedUser, chat_id: int, text: str
) -> JsonDict | None:
    """A text message; `/command` and `/command@bot` get bot_command entities."""
    state.remember_user(user)
    chat = state.private_chat_for(user) if chat_id == user.id else state.chats.get(chat_id)
    if chat is None:
        raise LookupError(f"chat {chat_id} does not exist; add it with add_chat() first")
    if chat.type == "private":
        # Writing to the bot opens the conversation just as Start does.
        chat.started = True
    entities = command_entities(text)
    stored = state.store_message(
        StoredMessage(
            chat_id=chat.id,
            message_id=state.next_message_id(chat.id),
            date=state.now(),
            sender_id=user.id,
            text=text,
            plain_text=text,
            entities=tuple(entities),
        )
    )
    if chat.type != "private" and not (chat.bot_is_member and _bot_sees(state, text, entities)):
        return None
    return state.updates.push("message", message_dict(state, stored))


def user_presses_button(
    state: EmulatorState, user: EmulatedUser, chat_id: int, message_id: int, data: str
) -> JsonDict:
    """A press on an inline button of a message as it stands now; answer it once."""
    stored = state.messages.get(chat_id, {}).get(message_id)
    if stored is None:
        raise LookupError(f"no message {message_id} in chat {chat_id}")
    rows = (stored.reply_markup or {}).get("inline_keyboard", [])
    if not any(button.get("callback_data") == data for row in rows for button in row):
        raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
    state.remember_user(user)
    query_id = state.next_callback_id()
    state.open_callbacks.add(query_id)
    payload = callback_query_dict(state, query_id=query_id, user=user, stored=stored, data=data)
    return state.updates.push("callback_query", payload)


def user_answers_poll(
    state: EmulatorState, user: EmulatedUser, poll_id: str, option_ids: list[int]
) -> JsonDict | None:
    """A vote (or, with no options, a retracted vote) in a poll the bot sent.

    Telegram reports who voted what (poll_answer) only for non-anonymous polls; with
    `poll_state_updates` it also sends the poll's new counts as a `poll` update.
    """
    stored = state.polls.get(poll_id)
    if stored is None:
        raise LookupError(f"no poll {poll_id}")
    _check_vote(stored.is_closed, stored.allows_multiple_answers, len(stored.options), option_ids)
    previous = stored.votes.get(user.id, ())
    if not option_ids and not previous:
        raise ValueError(f"user {user.id} has no vote to retract in poll {poll_id}")
    if previous and not stored.allows_revoting:
        raise ValueError(f"poll {poll_id} does not allow changing a vote")
    state.remember_user(user)
    stored.set_vote(user.id, tuple(option_ids))
    answer = None
    if not stored.is_anonymous:
        answer = state.updates.push("poll_answer", poll_answer_dict(stored, user, option_ids))
    if state.poll_state_updates:
        state.updates.push("poll", poll(stored).to_dict())
    return answer


def user_blocks_bot(state: EmulatorState, user: EmulatedUser) -> JsonDict:
    chat = state.private_chat_for(user)
    chat.blocked = True
    return state.updates.push("my_chat_member", bot_removed_dict(state, chat, user))


def kick_bot_from(state: EmulatorState, chat_id: int, by: EmulatedUser | None = None) -> JsonDict:
    """An admin removes the bot: later sends get 403, and the bot hears of it (my_chat_member)."""
    chat = _group(state, chat_id, by)
    chat.bot_was_kicked, chat.bot_is_member = True, False
    return state.updates.push("my_chat_member", bot_removed_dict(state, chat, by))


def add_bot_to(state: EmulatorState, chat_id: int, by: EmulatedUser | None = None) -> JsonDict:
    """A member adds the bot to a group: it may post there, and hears of it (my_chat_member)."""
    chat = _group(state, chat_id, by)
    chat.bot_was_kicked, chat.bot_is_member = False, True
    return state.updates.push("my_chat_member", bot_added_dict(state, chat, by))


def _group(state: EmulatorState, chat_id: int, by: EmulatedUser | None) -> ChatState:
    chat = state.chats.get(chat_id)
    if chat is None:
        raise LookupError(f"chat {chat_id} does not exist")
    if by is not None:
        state.remember_user(by)
    return chat


def _bot_sees(state: EmulatorState, text: str, entities: list[JsonDict]) -> bool:
    """In privacy mode a group bot gets only commands meant for it (no @ or its own @name)."""
    if not state.privacy_mode:
        return True
    if not entities or entities[0]["offset"] != 0:
        return False
    command = text[: entities[0]["length"]]
    _, _, addressee = command.partition("@")
    return addressee in ("", state.bot_username)


def _check_vote(closed: bool, multiple: bool, option_count: int, option_ids: list[int]) -> None:
    if closed:
        raise ValueError("the poll is closed")
    if len(set(option_ids)) != len(option_ids):
        raise ValueError(f"duplicate options in {option_ids}")
    if len(option_ids) > 1 and not multiple:
        raise ValueError("this poll allows one answer only")
    if any(not 0 <= index < option_count for index in option_ids):
        raise ValueError(f"options {option_ids} out of range for {option_count} options")


class UserSide:
    """The helpers above as methods, so a test reads `emulator.user_answers_poll(...)`."""

    def __init__(self, *, state: EmulatorState) -> None:
        self.state = state

    def user_starts_bot(self, user: EmulatedUser) -> JsonDict | None:
        return user_starts_bot(self.state, user)

    def user_sends(self, user: EmulatedUser, chat_id: int, text: str) -> JsonDict | None:
        return user_sends(self.state, user, chat_id, text)

    def user_presses_button(
        self, user: EmulatedUser, chat_id: int, message_id: int, data: str
    ) -> JsonDict:
        return user_presses_button(self.state, user, chat_id, message_id, data)

    def user_answers_poll(
        self, user: EmulatedUser, poll_id: str, option_ids: list[int]
    ) -> JsonDict | None:
        return user_answers_poll(self.state, user, poll_id, option_ids)

    def user_blocks_bot(self, user: EmulatedUser) -> JsonDict:
        return user_blocks_bot(self.state, user)

    def kick_bot_from(self, chat_id: int, by: EmulatedUser | None = None) -> JsonDict:
        return kick_bot_from(self.state, chat_id, by)

    def add_bot_to(self, chat_id: int, by: EmulatedUser | None = None) -> JsonDict:
        return add_bot_to(self.state, chat_id, by)
