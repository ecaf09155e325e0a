"""The bot's commands: each a few lines that delegate to the campaign service.

Everyone: /laag (/layer), /mijnposities, /stellingen, /help, /start, /stop, /vergeet
(/forget: erase what positie holds about you, answered privately), /privacy.
The krachtteam (telegram.admins, by user id): /post ID, /sluit ID, /digest. Anyone else
gets a polite refusal and nothing happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram import Chat, Update, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from adapters.telegram import replies as tg
from adapters.telegram.gateway import TelegramGateway
from adapters.telegram.inbound import command_argument, identity_of
from adapters.telegram.outbound import layer_keyboard
from bot.cadence.reminders import reminders_reply
from bot.people.privacy_notice import privacy_notice
from bot.ports import ChannelUnavailable
from bot.positions import replies
from bot.publishing.statements import StatementNotFound
from bot.service import CampaignService
from bot.settings.config import TelegramSettings
from bot.texts import Texts

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]


class Speaker(Protocol):
    def texts_for(self, user: User | None, chat: Chat | None) -> Texts: ...


class TelegramCommands:
    def __init__(self, *, service: CampaignService, gateway: TelegramGateway,
                 settings: TelegramSettings, speaker: Speaker) -> None:
        self.service = service
        self.gateway = gateway
        self.settings = settings
        self._speaker = speaker

    def handlers(self) -> list[tuple[tuple[str, ...], Callback]]:
        return [
            (("laag", "layer"), self.layer),
            (("mijnposities",), self.own_positions),
            (("stellingen",), self.open_statements),
            (("help",), self.help),
            (("start",), self.start),
            (("stop",), self.stop),
            (("vergeet", "forget"), self.forget),
            (("privacy",), self.privacy),
            (("post",), self.admin(self.post)),
            (("sluit",), self.admin(self.close)),
            (("digest",), self.admin(self.digest)),
        ]

    # -- everyone -----------------------------------------------------------------------
    async def layer(self, update: Update, context: Context) -> None:
        texts = self._texts(update)
        await self._say(update, replies.layer_question(texts),
                        reply_markup=layer_keyboard(self.service.layer_choices(texts)))

    async def own_positions(self, update: Update, context: Context) -> None:
        """Answered privately only: in a group, to the person's private chat if they have
        started the bot, else they are told how to."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        who = identity_of(user)
        texts = self._speaker.texts_for(user, None)
        text = replies.own_positions(await self.service.own_positions(who, texts), texts)
        if chat.type == ChatType.PRIVATE:
            await self.service.remember_private_chat(who, str(chat.id))
            await self.gateway.send_text(chat.id, text)
            return
        private = await self.service.private_chat(who)
        if private is not None:
            try:
                await self.gateway.send_text(int(private), text)
                return
            except ChannelUnavailable:  # blocked the bot since
                await self.service.forget_private_chat(who)
        await self._say(update, tg.start_privately(self._texts(update), context.bot.username,
                                                   "/mijnposities"))

    async def open_statements(self, update: Update, context: Context) -> None:
        views = [await self.service.statement_view(key)
                 for key in await self.service.open_statement_keys()]
        await self._say(update, tg.open_statements([(v.key, v.text) for v in views],
                                                   self._texts(update)))

    async def help(self, update: Update, context: Context) -> None:
        texts = self._texts(update)
        text = replies.help_text(texts, tg.command_list(texts))
        if self._is_admin(update):
            text += "\n" + tg.admin_command_list(texts)
        await self._say(update, text)

    async def start(self, update: Update, context: Context) -> None:
        """In a private chat: the bot may write to this person from now on. "/start mijn"
        (the deep link from a group) shows their positions straight away."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            await self.help(update, context)
            return
        who = identity_of(user)
        await self.service.remember_private_chat(who, str(chat.id))
        if self._argument(update):
            await self.own_positions(update, context)
            return
        await self.service.set_reminders(who, on=True)
        texts = self._texts(update)
        await self._say(update, replies.help_text(texts, tg.command_list(texts)) + "\n\n"
                        + reminders_reply(True, texts))

    async def stop(self, update: Update, context: Context) -> None:
        if update.effective_user is None:
            return
        await self.service.set_reminders(identity_of(update.effective_user), on=False)
        await self._say(update, reminders_reply(False, self._texts(update)))

    async def privacy(self, update: Update, context: Context) -> None:
        """What positie holds about people, why, for how long, whom to ask (no personal
        data in it: answered where asked)."""
        await self._say(update, privacy_notice(
            self._texts(update), self.service.settings.campaign, platform="Telegram",
            mine_command="/mijnposities", forget_command="/vergeet"))

    async def forget(self, update: Update, context: Context) -> None:
        """Two steps, in the private chat only: the question says what goes, then
        "/vergeet ja" (or "/forget yes") erases it."""
        user, chat, message = update.effective_user, update.effective_chat, \
            update.effective_message
        if user is None or chat is None or message is None:
            return
        texts = self._texts(update)
        command = "/forget" if (message.text or "").lower().startswith("/forget") else "/vergeet"
        if chat.type != ChatType.PRIVATE:
            await self._say(update, tg.start_privately(texts, context.bot.username, command))
            return
        who = identity_of(user)
        confirm = "yes" if command == "/forget" else "ja"
        if self._argument(update).lower() == confirm:
            erasure = await self.service.forget(who)
            await self._say(update, replies.forgotten(erasure, texts) + (
                "\n" + tg.poll_votes_stay(texts) if erasure.known else ""))
            return
        await self._say(update, replies.forget_question(
            await self.service.erasure_preview(who), f"{command} {confirm}", texts))

    # -- the krachtteam -----------------------------------------------------------------
    def admin(self, command: Callback) -> Callback:
        async def guarded(update: Update, context: Context) -> None:
            if not self._is_admin(update):
                await self._say(update, tg.admins_only(self._texts(update)))
                return
            await command(update, context)

        return guarded

    async def post(self, update: Update, context: Context) -> None:
        texts = self._texts(update)
        key = self._argument(update)
        if not key:
            await self._say(update, tg.usage("/post", texts))
            return
        try:
            report = await self.service.open(key)
        except StatementNotFound:
            await self._say(update, tg.unknown_statement(key, texts))
            return
        await self._say(update, tg.posted(key, report, texts))

    async def close(self, update: Update, context: Context) -> None:
        texts = self._texts(update)
        key = self._argument(update)
        if not key:
            await self._say(update, tg.usage("/sluit", texts))
            return
        try:
            updated = await self.service.close(key)
        except StatementNotFound:
            await self._say(update, tg.unknown_statement(key, texts))
            return
        await self._say(update, tg.closed(key, updated, texts))

    async def digest(self, update: Update, context: Context) -> None:
        draft = await self.service.digest_draft()
        period = "manual-" + self.service.clock.now().strftime("%Y%m%dT%H%M%S")
        report = await self.service.publish_draft(
            draft, period=period, chart_png=await self.service.chart_or_none(draft))
        await self._say(update, tg.digest_posted(report.posted, report.already_posted,
                                                 report.failed, self._texts(update)))

    # -- helpers ------------------------------------------------------------------------
    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admins

    def _texts(self, update: Update) -> Texts:
        return self._speaker.texts_for(update.effective_user, update.effective_chat)

    @staticmethod
    def _argument(update: Update) -> str:
        message = update.effective_message
        return command_argument(message.text if message else None)

    async def _say(self, update: Update, text: str, **kwargs: Any) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self.gateway.send_text(chat.id, text, **kwargs)
