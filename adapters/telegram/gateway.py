"""TelegramGateway: the ChatGateway port on the Bot API, through python-telegram-bot.

Failures become the port's two exceptions: a chat the bot cannot reach (403: removed,
blocked; 400 chat not found; a group that became a supergroup) is ChannelUnavailable, so the
core marks it inactive; anything else after the rate limiter's own retries (429, network,
5xx) is DeliveryFailed and the post is kept for retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from adapters.telegram.diagnosis import chat_check
from adapters.telegram.outbound import (
    OutgoingMessage,
    answer_keyboard,
    caption,
    document_messages,
    escape,
    poll_options,
    poll_question,
    shorten,
    statement_message,
)
from adapters.telegram.settings import TelegramSettings
from bot.document import Document
from bot.domain import StatementState, StatementView
from bot.ports import (
    ChannelTarget,
    ChannelUnavailable,
    Check,
    DeliveryFailed,
    OutgoingPart,
    PostRef,
    PrivateTarget,
    RetryLater,
)
from bot.service import CampaignService

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Telegram's wording, matched case-insensitively: python-telegram-bot rewrites some of it
# ("Bad Request: chat not found" arrives as "Chat not found").
GONE = ("chat not found", "chat_id is empty", "peer_id_invalid")
HARMLESS = ("message is not modified", "poll has already been closed")


def unavailable_reason(exc: TelegramError) -> str | None:
    """Why posting in this chat cannot work until an admin acts, or None if it may."""
    if isinstance(exc, Forbidden):
        return exc.message
    if isinstance(exc, ChatMigrated):
        return (f"the group became a supergroup with id {exc.new_chat_id}; put that id in "
                "telegram.chats")
    if isinstance(exc, BadRequest) and any(g in exc.message.lower() for g in GONE):
        return exc.message
    return None


def no_answer(exc: TelegramError) -> bool:
    """The call got no answer (a timeout, a dropped connection: python-telegram-bot names
    the httpx error), so it may have arrived; a 4xx or 5xx answer says it did not."""
    return isinstance(exc, TimedOut) or (type(exc) is NetworkError
                                         and exc.message.startswith("httpx"))


class TelegramGateway:
    platform = TelegramSettings.name
    opt_out_command = "/stop"
    # sendMessage takes no idempotency key and a bot cannot read a chat's history: a message
    # in flight when the process died is sent again (it may show twice), at most that one.
    can_check_delivery = False
    # The rate limiter lets ~30 messages a second through; more at once would only wait
    # inside it, claimed, and could all repeat after a crash.
    in_flight_limit = 8

    def __init__(self, *, bot: Bot, service: CampaignService, live_tally: bool = True) -> None:
        self._bot = bot
        self._service = service
        self._live_tally = live_tally
        self._ready = False
        self._ready_lock = asyncio.Lock()

    # -- statements ---------------------------------------------------------------------
    async def statement_message(self, statement: StatementView) -> OutgoingMessage:
        texts = self._service.texts()
        tally = None
        if self._live_tally:
            tally = await self._service.tally_text(statement.key, texts)
        return statement_message(statement, self._service.option_choices(texts), texts, tally)

    async def post_statement(self, channel: ChannelTarget, statement: StatementView, *,
                             key: str) -> PostRef:
        chat_id = int(channel.external_id)
        if channel.answer_mode == "poll":
            return await self._post_poll(chat_id, statement)
        message = await self.statement_message(statement)
        sent = await self._send(chat_id, message)
        return PostRef(message_ref=str(sent.message_id))

    async def _post_poll(self, chat_id: int, statement: StatementView) -> PostRef:
        """A native poll, not anonymous: the bot must know who answered (everyone in the
        group sees it too; the README says so)."""
        texts = self._service.texts()
        question = poll_question(statement)
        if question is None:  # too long for a poll question: the full text goes first
            await self._send(chat_id, OutgoingMessage(f"<b>{escape(statement.text)}</b>"))
            question = shorten(statement.text, 255)
        sent = await self._call(self._bot.send_poll, chat_id=chat_id, question=question,
                                options=poll_options(self._service.option_choices(texts)),
                                is_anonymous=False, allows_multiple_answers=False)
        if sent.poll is None:
            raise DeliveryFailed("Telegram answered sendPoll without a poll")
        return PostRef(message_ref=str(sent.message_id), poll_id=sent.poll.id)

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        chat_id, message_id = int(channel.external_id), int(post.message_ref)
        if post.poll_id is not None:
            await self._change(self._bot.stop_poll, chat_id=chat_id, message_id=message_id)
        else:
            await self.update_statement(chat_id, message_id, statement)

    async def reopen_statement(self, channel: ChannelTarget, post: PostRef,
                               statement: StatementView) -> PostRef:
        chat_id = int(channel.external_id)
        if post.poll_id is not None:  # Telegram cannot reopen a stopped poll: a new one
            return await self._post_poll(chat_id, statement)
        await self.update_statement(chat_id, int(post.message_ref), statement)
        return post

    async def refresh_statement(self, channel: ChannelTarget, post: PostRef,
                                statement: StatementView) -> None:
        """A new tally under a button statement; a native poll counts by itself."""
        if post.poll_id is None:
            await self.update_statement(int(channel.external_id), int(post.message_ref),
                                        statement)

    async def update_statement(self, chat_id: int, message_id: int,
                               statement: StatementView) -> None:
        """Re-render a button statement: a new tally, or closed (the keyboard goes away)."""
        message = await self.statement_message(statement)
        await self._change(self._bot.edit_message_text, chat_id=chat_id, message_id=message_id,
                         text=message.html, parse_mode=ParseMode.HTML,
                         reply_markup=message.keyboard, link_preview_options=NO_PREVIEW)

    # -- digests and private messages -------------------------------------------------------
    async def find_delivered(self, channel: ChannelTarget, key: str, *,
                             part: OutgoingPart | None = None,
                             after: str | None = None) -> str | None:
        return None  # nothing to look in (can_check_delivery is False)

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        parts = [OutgoingPart(kind="text", payload={
            "html": m.html, "keyboard": None if m.keyboard is None else m.keyboard.to_dict()})
            for m in document_messages(digest)]
        if chart_png is not None:  # the caption is the chart's description (alt text)
            parts.append(OutgoingPart(kind="chart", data=chart_png, payload={
                "caption": caption(digest.chart_alt or digest.title)}))
        for attachment in digest.attachments:  # the full table, as a file
            parts.append(OutgoingPart(kind="file", data=attachment.text.encode(), payload={
                "filename": attachment.filename, "caption": caption(attachment.title)}))
        return parts

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        chat_id = int(channel.external_id)
        if part.kind == "chart":
            sent = await self._call(self._bot.send_photo, chat_id=chat_id, photo=part.data,
                                    caption=part.payload["caption"])
        elif part.kind == "file":
            sent = await self._call(self._bot.send_document, chat_id=chat_id,
                                    document=part.data, filename=part.payload["filename"],
                                    caption=part.payload["caption"])
        else:
            keyboard = part.payload.get("keyboard")
            markup = (InlineKeyboardMarkup.de_json(keyboard, None)
                      if isinstance(keyboard, dict) else None)
            sent = await self._send(chat_id, OutgoingMessage(str(part.payload["html"]), markup))
        return str(sent.message_id)

    async def can_post(self, channel: ChannelTarget) -> Check:
        me = await self._bot.get_me()
        return await chat_check(self._bot, int(channel.external_id), me.id, str(me.username))

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        if target.private_chat_id is None:
            raise ChannelUnavailable("the person has not started a private chat with the bot")
        html = escape(text)
        keyboard = None
        if statement is not None and statement.state == StatementState.OPEN:
            texts = self._service.texts()
            html = f"{html}\n\n<b>{escape(statement.text)}</b>"
            keyboard = answer_keyboard(statement.key, self._service.option_choices(texts))
        await self._send(int(target.private_chat_id), OutgoingMessage(html, keyboard))

    async def send_text(self, chat_id: int, text: str, **kwargs: Any) -> Message:
        """A plain-text message (no parse mode, so nothing needs escaping)."""
        return await self._call(self._bot.send_message, chat_id=chat_id, text=text,
                                link_preview_options=NO_PREVIEW, **kwargs)

    async def send_file(self, chat_id: int, filename: str, content: bytes, *,
                        title: str) -> Message:
        return await self._call(self._bot.send_document, chat_id=chat_id, document=content,
                                filename=filename, caption=caption(title))

    # -- calls ----------------------------------------------------------------------------
    async def _send(self, chat_id: int, message: OutgoingMessage) -> Message:
        return await self._call(self._bot.send_message, chat_id=chat_id, text=message.html,
                                parse_mode=ParseMode.HTML, reply_markup=message.keyboard,
                                link_preview_options=NO_PREVIEW)

    async def _change(self, method: Callable[..., Awaitable[object]], **kwargs: Any) -> None:
        """An edit or stopPoll: already being so (not modified, already closed) is fine."""
        try:
            await self._call(method, **kwargs)
        except RetryLater:
            raise
        except DeliveryFailed as exc:
            cause = exc.__cause__
            if not (isinstance(cause, TelegramError)
                    and any(h in cause.message.lower() for h in HARMLESS)):
                raise

    async def _call(self, method: Callable[..., Awaitable[T]], **kwargs: Any) -> T:
        try:
            if not self._ready:  # `positie post` and `digest` use the bot without running it
                async with self._ready_lock:
                    await self._bot.initialize()
                    self._ready = True
            return await method(**kwargs)
        except TelegramError as exc:
            reason = unavailable_reason(exc)
            if reason is not None:
                raise ChannelUnavailable(reason) from exc
            if isinstance(exc, RetryAfter):  # still limited after the limiter's retries
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                raise RetryLater(f"{type(exc).__name__}: {exc.message}",
                                 seconds=max(seconds, 1.0)) from exc
            raise DeliveryFailed(f"{type(exc).__name__}: {exc.message}",
                                 may_have_arrived=no_answer(exc)) from exc
