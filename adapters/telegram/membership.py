"""The bot added to or removed from a group (my_chat_member): the channel comes back by
itself and gets what it missed, or is skipped until it does."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from adapters.telegram.settings import TelegramSettings
from bot.service import CampaignService

log = logging.getLogger(__name__)

IN_GROUP = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


class Membership:
    def __init__(self, *, service: CampaignService) -> None:
        self.service = service

    async def on_my_chat_member(self, update: Update,
                                context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type == "private":
            return  # a person blocking the bot is handled where private messages fail
        chat_id = str(change.chat.id)
        if change.new_chat_member.status in IN_GROUP:
            await self.service.channel_back(TelegramSettings.name, chat_id)
        elif change.old_chat_member.status in IN_GROUP:
            await self.service.channel_gone(TelegramSettings.name, chat_id,
                                            "the bot was removed from the group")
