"""The campaign's Telegram scope: which button presses count.

A press counts in a campaign chat (telegram.chats) on a message of the bot's that carries
that very button (its own post of the statement, or a digest inviting answers to it), or in
the person's own private chat with the bot (a reminder). The message in a callback query is
Telegram's copy of the bot's message, so its keyboard cannot be forged by the presser; the
callback data can (any client may send any data), so the two must agree. A message too old
for Telegram to include comes as an inaccessible message: then the press counts only when
the message is the statement's stored post in that chat.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ChatType

from adapters.telegram.settings import TelegramSettings
from bot.service import CampaignService

log = logging.getLogger(__name__)


class TelegramScope:
    def __init__(self, *, settings: TelegramSettings, service: CampaignService) -> None:
        self._service = service
        self.chats = frozenset(c.external_id() for c in settings.channel_list())

    async def press_counts(self, query: CallbackQuery, statement_key: str) -> bool:
        message = query.message
        if message is None:
            return False
        chat = message.chat
        private = chat.type == ChatType.PRIVATE
        ours = chat.id == query.from_user.id if private else str(chat.id) in self.chats
        if not ours:
            allowed = False
        elif isinstance(message, Message):
            allowed = _carries(message.reply_markup, query.data)
        else:  # inaccessible (too old): a private reminder, or the statement's stored post
            allowed = private or await self._service.statement_posted_at(
                TelegramSettings.name, str(chat.id), str(message.message_id)) == statement_key
        if not allowed:
            log.info("ignored a button press outside the campaign (not a campaign chat, or "
                     "not the message of that statement)")
        return allowed


def _carries(markup: InlineKeyboardMarkup | None, data: str | None) -> bool:
    if markup is None or data is None:
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)
