"""Bot API methods about chats: getChat and getChatMember, as a bot sees them.

A bot that was removed from a group, or never added, cannot look into it: Telegram answers
403 as it does for sending. In a group it is in, the bot is a plain member.
"""

from __future__ import annotations

from typing import Any

from telegram import AcceptedGiftTypes, ChatFullInfo, ChatMemberLeft, ChatMemberMember

from emulators.telegram.errors import USER_NOT_FOUND, bad_request
from emulators.telegram.method_support import Handler, find_chat, required, sendable_chat
from emulators.telegram.payloads import bot_user, person
from emulators.telegram.state import EmulatorState
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]
# Built from the field names rather than the constructor: the set grows with Bot API versions.
NO_GIFTS = AcceptedGiftTypes.de_json({name: False for name in (
    "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
    "gifts_from_channels")}, None)


async def get_chat(state: EmulatorState, params: JsonDict,
                   files: dict[str, UploadedPart]) -> object:
    chat = sendable_chat(state, params) if find_chat(state, params).is_group \
        else find_chat(state, params)
    return ChatFullInfo(id=chat.id, type=chat.type, title=chat.title, username=chat.username,
                        first_name=chat.first_name, last_name=chat.last_name,
                        accent_color_id=0, max_reaction_count=11,
                        accepted_gift_types=NO_GIFTS).to_dict()


async def get_chat_member(state: EmulatorState, params: JsonDict,
                          files: dict[str, UploadedPart]) -> object:
    chat = sendable_chat(state, params)
    user_id = int(required(params, "user_id"))
    if user_id == state.bot_id:
        return ChatMemberMember(user=bot_user(state)).to_dict()
    user = state.users.get(user_id)
    if user is None:
        raise bad_request(USER_NOT_FOUND)
    return ChatMemberLeft(user=person(user)).to_dict() if not chat.is_group \
        else ChatMemberMember(user=person(user)).to_dict()


HANDLERS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
}
