"""Emulator state → Bot API JSON, built with python-telegram-bot's own classes.

Going through the library's objects and `to_dict()` means every payload carries the fields the
current library demands (PollOption.persistent_id, Poll.allows_revoting, ...) and nothing it
would refuse; a library upgrade that adds a required field fails here, loudly, at construction.
"""

from __future__ import annotations

import datetime as dtm
import hashlib
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    ChatMember,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    PhotoSize,
    Poll,
    PollAnswer,
    PollOption,
    User,
)

from emulators.telegram.state import (
    ChatState,
    EmulatedUser,
    EmulatorState,
    StoredMessage,
    StoredPoll,
    UploadedFile,
)

JsonDict = dict[str, Any]


def bot_user(state: EmulatorState) -> User:
    return User(
        id=state.bot_id,
        is_bot=True,
        first_name=state.bot_first_name,
        username=state.bot_username,
        can_join_groups=True,
        can_read_all_group_messages=False,
        supports_inline_queries=False,
    )


def person(user: EmulatedUser) -> User:
    return User(
        id=user.id,
        is_bot=False,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def chat(chat_state: ChatState) -> Chat:
    return Chat(
        id=chat_state.id,
        type=chat_state.type,
        title=chat_state.title,
        username=chat_state.username,
        first_name=chat_state.first_name,
        last_name=chat_state.last_name,
    )


def chat_instance(chat_id: int) -> str:
    """Telegram's opaque per-chat token in callback queries; stable for one chat."""
    return str(int(hashlib.sha1(str(chat_id).encode()).hexdigest()[:15], 16))


def poll(stored: StoredPoll) -> Poll:
    counts = stored.counts()
    return Poll(
        id=stored.id,
        question=stored.question,
        options=[
            PollOption(text=text, voter_count=count, persistent_id=persistent_id)
            for text, count, persistent_id in zip(
                stored.options, counts, stored.persistent_ids, strict=True
            )
        ],
        total_voter_count=len(stored.votes),
        is_closed=stored.is_closed,
        is_anonymous=stored.is_anonymous,
        type=stored.type,
        allows_multiple_answers=stored.allows_multiple_answers,
        allows_revoting=stored.allows_revoting,
        members_only=False,
    )


def photo_sizes(file: UploadedFile) -> list[PhotoSize]:
    return [
        PhotoSize(
            file_id=file.file_id,
            file_unique_id=file.file_unique_id,
            width=file.width,
            height=file.height,
            file_size=len(file.data),
        )
    ]


def _entities(raw: tuple[JsonDict, ...]) -> list[MessageEntity] | None:
    return [MessageEntity.de_json(entity, None) for entity in raw] or None


def _timestamp(seconds: int) -> dtm.datetime:
    return dtm.datetime.fromtimestamp(seconds, tz=dtm.UTC)


def message(state: EmulatorState, stored: StoredMessage) -> Message:
    sender = state.users.get(stored.sender_id)
    markup = stored.reply_markup
    # Telegram echoes only inline keyboards back in a Message; reply keyboards stay client-side.
    inline = (
        InlineKeyboardMarkup.de_json(markup, None)
        if markup and "inline_keyboard" in markup
        else None
    )
    file = state.files.get(stored.photo_file_id) if stored.photo_file_id else None
    document = state.files.get(stored.document_file_id) if stored.document_file_id else None
    return Message(
        message_id=stored.message_id,
        date=_timestamp(stored.date),
        chat=chat(state.chats[stored.chat_id]),
        from_user=person(sender) if sender else bot_user(state),
        text=stored.plain_text,
        entities=_entities(stored.entities),
        caption=stored.caption,
        caption_entities=_entities(stored.caption_entities),
        photo=photo_sizes(file) if file else None,
        document=Document(file_id=document.file_id, file_unique_id=document.file_unique_id,
                          file_name=document.filename, mime_type=document.content_type,
                          file_size=len(document.data)) if document else None,
        poll=poll(state.polls[stored.poll_id]) if stored.poll_id else None,
        reply_markup=inline,
        edit_date=_timestamp(stored.edit_date) if stored.edit_date else None,
    )


def message_dict(state: EmulatorState, stored: StoredMessage) -> JsonDict:
    return message(state, stored).to_dict()


def poll_answer_dict(stored: StoredPoll, user: EmulatedUser, option_ids: list[int]) -> JsonDict:
    answer = PollAnswer(
        poll_id=stored.id,
        option_ids=option_ids,
        user=person(user),
        option_persistent_ids=[stored.persistent_ids[index] for index in option_ids],
    ).to_dict()
    # to_dict() leaves out empty lists, but a retracted vote must carry `option_ids: []`:
    # Telegram sends it, and the library's own de_json refuses a PollAnswer without it.
    answer.setdefault("option_ids", [])
    answer.setdefault("option_persistent_ids", [])
    return answer


def callback_query_dict(
    state: EmulatorState, *, query_id: str, user: EmulatedUser, stored: StoredMessage, data: str
) -> JsonDict:
    return CallbackQuery(
        id=query_id,
        from_user=person(user),
        chat_instance=chat_instance(stored.chat_id),
        message=message(state, stored),
        data=data,
    ).to_dict()


def bot_removed_dict(
    state: EmulatorState, chat_state: ChatState, by: EmulatedUser | None
) -> JsonDict:
    """my_chat_member: the bot went from member to banned, as Telegram reports a kick."""
    bot = bot_user(state)
    return _bot_membership(state, chat_state, by, ChatMemberMember(user=bot),
                           ChatMemberBanned(user=bot, until_date=_timestamp(0)))


def bot_added_dict(
    state: EmulatorState, chat_state: ChatState, by: EmulatedUser | None
) -> JsonDict:
    """my_chat_member: the bot went from left (or banned) to member, as when it is added."""
    bot = bot_user(state)
    return _bot_membership(state, chat_state, by, ChatMemberLeft(user=bot),
                           ChatMemberMember(user=bot))


def _bot_membership(state: EmulatorState, chat_state: ChatState, by: EmulatedUser | None,
                    old: ChatMember, new: ChatMember) -> JsonDict:
    return ChatMemberUpdated(
        chat=chat(chat_state),
        from_user=person(by) if by else bot_user(state),
        date=_timestamp(state.now()),
        old_chat_member=old,
        new_chat_member=new,
    ).to_dict()
