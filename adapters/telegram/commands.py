"""The bot's commands: each a few lines that delegate to the campaign service.

Everyone: /laag (/layer), /mijnposities, /stellingen, /help, /start, /stop, /vergeet
(/forget: erase what positie holds about you, answered privately), /privacy.
The krachtteam (telegram.admins, by user id): /post, /sluit, /heropen KEY, /digest,
/export (sent privately), /pauze, /hervat, /status, and their English names (bot.admin).
Anyone else gets a polite refusal, nothing happens, and the attempt is audited.
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
from adapters.telegram.settings import TelegramSettings
from bot.admin.actions import WORDS, AdminActions, AdminReply
from bot.admin.texts import admin_help
from bot.cadence.reminders import reminders_reply
from bot.domain import Identity
from bot.people.privacy_notice import privacy_notice
from bot.ports import ChannelUnavailable
from bot.positions import replies
from bot.service import CampaignService
from bot.texts import Texts

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]


class Speaker(Protocol):
    def texts_for(self, user: User | None, chat: Chat | None) -> Texts: ...

    def reply_later(self, chat_id: int, text: str, **kwargs: Any) -> None: ...

    def later(self, work: Coroutine[Any, Any, None]) -> None: ...


class TelegramCommands:
    def __init__(self, *, service: CampaignService, gateway: TelegramGateway,
                 settings: TelegramSettings, speaker: Speaker) -> None:
        self.service = service
        self.gateway = gateway
        self.settings = settings
        self._speaker = speaker
        self._actions = AdminActions(service=service)

    def handlers(self) -> list[tuple[tuple[str, ...], Callback]]:
        return [
            (("laag", "layer"), self.layer),
            (("mijnposities", "mypositions"), self.own_positions),
            (("stellingen", "statements"), self.open_statements),
            (("help",), self.help),
            (("start",), self.start),
            (("stop",), self.stop),
            (("vergeet", "forget"), self.forget),
            (("privacy",), self.privacy),
            *((words, self.admin(action)) for action, words in WORDS.items()),
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
        texts = self._texts(update)
        await self._say(update, tg.start_privately(texts, context.bot.username,
                                                   "/" + tg.command_name("mine", texts)))

    async def open_statements(self, update: Update, context: Context) -> None:
        views = [await self.service.statement_view(key)
                 for key in await self.service.open_statement_keys()]
        await self._say(update, tg.open_statements([(v.key, v.text) for v in views],
                                                   self._texts(update)))

    async def help(self, update: Update, context: Context) -> None:
        texts = self._texts(update)
        text = replies.help_text(texts, tg.command_list(texts))
        if self._is_admin(update):
            text += "\n" + admin_help(texts, prefix="/")
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
            mine_command="/" + tg.command_name("mine", self._texts(update)),
            forget_command="/" + tg.command_name("forget", self._texts(update))))

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
    def admin(self, action: str) -> Callback:
        """An admin command for telegram.admins; anyone else is refused (and audited)."""
        async def command(update: Update, context: Context) -> None:
            user = update.effective_user
            if user is None:
                return
            who, texts = identity_of(user), self._texts(update)
            if not self._is_admin(update):
                await self._say(update, (await self._actions.refuse(who, action, texts)).text)
                return
            # In the background, as on Slack: posting to every chat (/post, /digest) can take
            # a while, and the next batch of updates (votes) waits for this handler.
            self._speaker.later(self._run_admin(update, who, action, texts))

        return command

    async def _run_admin(self, update: Update, who: Identity, action: str,
                         texts: Texts) -> None:
        reply = await self._actions.handle(who, action, self._argument(update), texts)
        if reply.attachment is not None:
            await self._send_privately(update, who, reply, texts)
        else:
            await self._say(update, reply.text)

    async def _send_privately(self, update: Update, who: Identity, reply: AdminReply,
                              texts: Texts) -> None:
        """An export goes to the admin's private chat, never into the group."""
        assert reply.attachment is not None
        private = await self.service.private_chat(who)
        if private is None:
            bot = update.get_bot().username
            await self._say(update, tg.start_privately(texts, bot, "/export"))
            return
        await self.gateway.send_file(int(private), reply.attachment.filename,
                                     reply.attachment.content, title=reply.attachment.title)
        await self._say(update, reply.text)

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
        """The reply in the chat of the command, in the background: the handler (and the
        votes behind it) need not wait for the chat's rate limit."""
        chat = update.effective_chat
        if chat is not None:
            self._speaker.reply_later(chat.id, text, **kwargs)
