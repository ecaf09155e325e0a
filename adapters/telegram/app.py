"""TelegramAdapter: python-telegram-bot handlers (a few lines each, delegating) and lifecycle.

The Application runs inside the bot's one event loop: `start()` is initialize, start and
updater.start_polling / start_webhook; `stop()` is the reverse. No run_polling (it would take
the loop over) and no JobQueue (scheduling/ decides when things happen).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import urlparse

from telegram import Chat, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
)
from telegram.request import HTTPXRequest

from adapters.listening import listening_on
from adapters.telegram import replies as tg
from adapters.telegram.commands import TelegramCommands
from adapters.telegram.confirming import ChatBacklog, with_retries
from adapters.telegram.diagnosis import diagnose
from adapters.telegram.gateway import TelegramGateway
from adapters.telegram.inbound import (
    LAYER_PREFIX,
    VOTE_PREFIX,
    identity_of,
    parse_layer_data,
    vote_of_button,
    vote_of_poll_answer,
)
from adapters.telegram.membership import Membership
from adapters.telegram.ordering import PerPersonOrder
from adapters.telegram.outbound import (
    MAX_CALLBACK_ANSWER,
    callback_answer,
    escape,
    layer_keyboard,
    shorten,
)
from adapters.telegram.ratelimit import TelegramRateLimiter
from adapters.telegram.scope import TelegramScope
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.startup import with_backoff
from adapters.telegram.tolerant_bot import TolerantBot
from adapters.telegram.webhook import TelegramWebhook
from bot.domain import Identity
from bot.ports import ChannelUnavailable, Check, DeliveryFailed, PeopleDirectory
from bot.positions import replies
from bot.publishing.posts import PollPost
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from bot.texts import Texts
from bot.texts import texts_for as catalogue

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# Only what the bot acts on: no `poll` updates (counts), no chatter.
ALLOWED_UPDATES = ["message", "callback_query", "poll_answer", "my_chat_member"]
# Updates handled at once: concurrent votes share the position writer's group commit.
CONCURRENT_UPDATES = 64
# Stopping: how long replies still waiting (for a chat's rate limit) may take.
STOP_GRACE_S = 2.0


class TelegramAdapter:
    def __init__(self, *, service: CampaignService, settings: TelegramSettings,
                 rate_limiter: BaseRateLimiter[Any] | None = None) -> None:
        self.service = service
        self.settings = settings
        bot = TolerantBot(  # skips an update it cannot parse instead of freezing on it
            token=settings.bot_token, base_url=settings.base_url,
            request=HTTPXRequest(connection_pool_size=256),
            get_updates_request=HTTPXRequest(connection_pool_size=1),
            rate_limiter=rate_limiter or TelegramRateLimiter(
                max_retries=settings.retries,
                on_rate_limited=lambda: service.metrics.rate_limited("telegram")))
        self.application = (
            Application.builder().bot(bot)
            .concurrent_updates(PerPersonOrder(CONCURRENT_UPDATES)).job_queue(None).build())
        bot.confirm_after(self.application.update_queue.join)  # confirmed after the effect
        self.gateway = TelegramGateway(bot=self.application.bot, service=service,
                                       live_tally=settings.live_tally)
        # Telegram cannot find people by e-mail address.
        self.directory: PeopleDirectory | None = None
        self.commands = TelegramCommands(service=service, gateway=self.gateway,
                                         settings=settings, speaker=self)
        app = self.application
        app.add_handler(PollAnswerHandler(self._on_poll_answer))
        app.add_handler(ChatMemberHandler(Membership(service=service).on_my_chat_member,
                                          ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(CallbackQueryHandler(self._on_vote, pattern=f"^{VOTE_PREFIX}:"))
        app.add_handler(CallbackQueryHandler(self._on_layer, pattern=f"^{LAYER_PREFIX}:"))
        for names, callback in self.commands.handlers():
            app.add_handler(CommandHandler(names, callback))
        app.add_error_handler(self._on_error)
        self._option_keys = tuple(o.key for o in service.scale)
        self._polls: dict[str, PollPost] = {}  # poll id → statement: never changes
        self.scope = TelegramScope(settings=settings, service=service)
        self._webhook: TelegramWebhook | None = None
        if settings.live_tally:
            service.tallies.enable(self.gateway.platform,
                                   interval=settings.tally_interval_seconds)
        self._tasks: set[asyncio.Task[None]] = set()
        self._backlog = ChatBacklog()
        self._replies: set[asyncio.Task[None]] = set()  # dropped 2 s into a stop
        self._last_stamp = 0.0
        self.standby = False  # started without polling: another process polls

    # -- votes ----------------------------------------------------------------------------
    async def _on_vote(self, update: Update, context: Context) -> None:
        received = self._stamp()  # before any await: keeps a person's clicks in order
        query = update.callback_query
        if query is None:
            return
        vote = vote_of_button(query, bot_id=context.bot.id, update_id=update.update_id,
                              option_keys=self._option_keys, received_at=received)
        if vote is None or not await self.scope.press_counts(query, vote.statement_key):
            self._background(self._answer(lambda: query.answer()))
            return
        result = await self.service.record(vote)
        texts = self.texts_for(query.from_user, None)
        quiet = dataclasses.replace(result, needs_layer=False)  # asked with buttons below
        tally = None
        if result.counted and result.option_key is not None:
            # campaign.results = "after_vote": the distribution, to this person only (a
            # button's answer is shown to the presser alone; the group message has none).
            tally = await self.service.private_tally(vote.statement_key, texts, short=True)
        answer = callback_answer(
            lambda statement: replies.vote_reply(quiet, statement, self.service, texts,
                                                 hint=tally is None)
            + ("" if tally is None else "\n" + tally),
            result.statement_text or vote.statement_key)
        # In the background: the update is done (and confirmable) once the vote is stored.
        self._background(self._answer(lambda: query.answer(answer)))
        message = query.message
        if not result.counted or message is None:
            return
        if result.needs_layer:
            self._background(self._ask_layer(vote.who, message.chat.id, vote.statement_key))
        self.service.tallies.changed(vote.statement_key)  # every post, on every platform

    async def _on_poll_answer(self, update: Update, context: Context) -> None:
        received = self._stamp()
        answer = update.poll_answer
        if answer is None:
            return
        post = await self._poll_post(answer.poll_id)
        if post is None:
            log.info("an answer to poll %s, which is not a statement of this campaign",
                     answer.poll_id)
            return
        vote = vote_of_poll_answer(answer, post, bot_id=context.bot.id,
                                   update_id=update.update_id, option_keys=self._option_keys,
                                   received_at=received)
        if vote is None:
            return
        result = await self.service.record(vote)
        if result.counted:  # the statement's button messages elsewhere show the new count
            self.service.tallies.changed(vote.statement_key)
        if result.counted and result.needs_layer:
            self._background(self._ask_layer(vote.who, int(post.channel_external_id),
                                             post.statement_key))

    async def _poll_post(self, poll_id: str) -> PollPost | None:
        post = self._polls.get(poll_id)
        if post is None:
            post = await self.service.poll_post(poll_id)
            if post is not None:
                self._polls[poll_id] = post
        return post

    # -- layers ---------------------------------------------------------------------------
    async def _on_layer(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        texts = self.texts_for(query.from_user, None)
        try:
            layer = await self.service.choose_layer(identity_of(query.from_user),
                                                    parse_layer_data(query.data) or "")
        except ValueError:
            self._background(self._answer(lambda: query.answer(tg.unknown_layer(texts))))
            return
        reply = replies.layer_set(self.service.layer_name(layer, texts), texts)
        answer = shorten(reply, MAX_CALLBACK_ANSWER)
        self._background(self._answer(lambda: query.answer(answer)))
        message = query.message
        if message is not None and message.chat.type == ChatType.PRIVATE:
            # Only this person sees a private question: it can become the answer. A group's
            # question stays, with its buttons, for the others.
            self._background(self.application.bot.edit_message_text(
                escape(reply), chat_id=message.chat.id, message_id=message.message_id,
                parse_mode=ParseMode.HTML))

    async def _ask_layer(self, who: Identity, chat_id: int, statement_key: str) -> None:
        """Privately where the person started the bot; else one question per chat and
        statement in the group, whose buttons set the layer of whoever presses them."""
        texts = self.service.texts()
        keyboard = layer_keyboard(self.service.layer_choices(texts))
        private = await self.service.private_chat(who)
        if private is not None:
            try:
                await self.gateway.send_text(int(private), replies.layer_question(texts),
                                             reply_markup=keyboard)
                return
            except ChannelUnavailable:
                await self.service.forget_private_chat(who)
        if not await self.service.claim_group_layer_question(TelegramSettings.name, str(chat_id),
                                                             statement_key):
            return
        await self.gateway.send_text(chat_id, tg.group_layer_question(texts),
                                     reply_markup=keyboard)

    # -- tally and helpers ----------------------------------------------------------------
    def texts_for(self, user: User | None, chat: Chat | None) -> Texts:
        """Group messages in the campaign's language; private ones in the person's own."""
        if chat is not None and chat.type != ChatType.PRIVATE:
            return self.service.texts()
        language = (user.language_code or "")[:2] if user is not None else ""
        return self.service.texts(language) if language in ("nl", "en") else self.service.texts()

    def _stamp(self) -> float:
        now = time.time()
        self._last_stamp = now if now > self._last_stamp else self._last_stamp + 1e-6
        return self._last_stamp

    @staticmethod
    async def _answer(answering: Callable[[], Awaitable[bool]]) -> None:
        """Confirm a press: server errors and timeouts are tried again."""
        try:
            await with_retries(answering)
        except TelegramError as exc:  # a query too old to answer: the vote still counts
            log.info("could not answer a button press: %s", exc.message)

    def reply_later(self, chat_id: int, text: str, **kwargs: Any) -> None:
        """A command's reply, sent in the background at the chat's pace (see confirming)."""
        if not self._backlog.take(chat_id):
            log.warning("chat %s has too many replies waiting; one more was not sent", chat_id)
            return

        async def send() -> None:
            try:
                await self.gateway.send_text(chat_id, text, **kwargs)
            finally:
                self._backlog.done(chat_id)

        task = self._background(send())
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)

    async def _on_error(self, update: object, context: Context) -> None:
        error, update_id = context.error, getattr(update, "update_id", "?")
        if isinstance(error, TelegramError | DeliveryFailed | ChannelUnavailable):
            # Telegram refused a reply (chat gone, query too old): no bug of ours
            log.warning("Telegram update %s: Telegram refused a reply (%s)", update_id,
                        type(error).__name__)
            return
        log.error("Telegram update %s failed", update_id, exc_info=error)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        """Work an update started that its handler need not wait for (an admin command)."""
        self._background(work)

    def _background(self, work: Coroutine[Any, Any, object]) -> asyncio.Task[None]:
        task = asyncio.create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, object]) -> None:
        try:
            await work
        except (TelegramError, DeliveryFailed, ChannelUnavailable) as exc:  # refused: no bug
            log.warning("Telegram background message refused (%s)", type(exc).__name__)
        except Exception:
            log.exception("Telegram background message failed")

    async def drain(self, *, grace_s: float | None = None) -> None:
        """Wait until background messages and tally edits in flight are done; with
        `grace_s` (stopping), command replies still waiting after it are dropped: a
        backlog of a group's replies, twenty a minute, must not hold a SIGTERM for minutes.
        Other work (an admin's /post, layer questions) is waited for."""
        if grace_s is not None and self._replies:
            _, waiting = await asyncio.wait(list(self._replies), timeout=grace_s)
            if waiting:
                log.warning("stopping: %d reply(ies) still waiting for their chat's rate limit "
                            "were not sent", len(waiting))
                for task in waiting:
                    task.cancel()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.service.tallies.flush()

    # -- lifecycle ------------------------------------------------------------------------
    async def check_credentials(self) -> None:
        """getMe: a wrong token stops with the fix; a 5xx or a timeout is waited out."""
        try:
            await with_backoff(self.application.initialize, what="Telegram start-up (getMe)")
        except InvalidToken as exc:
            raise ConfigError("telegram.bot_token: Telegram does not know this token; copy it "
                              "again from @BotFather (or POSITIE_TELEGRAM_BOT_TOKEN)") from exc

    async def diagnose(self) -> list[Check]:
        return await diagnose(self.application.bot, self.settings)

    async def start(self, *, poll: bool = True) -> None:
        """Start sending; with delivery = "webhook" start receiving too, and with "polling"
        start polling unless `poll` is False (another process polls: see start_polling)."""
        app = self.application
        await self.check_credentials()  # initialize() is a no-op when it already ran
        await self._register_commands()
        await app.start()
        updater = app.updater
        if updater is None:
            raise RuntimeError("the Telegram application was built without an updater")
        s = self.settings
        if s.delivery == "webhook":
            self._webhook = TelegramWebhook(application=app, path=self.webhook_path,
                                            secret=s.webhook_secret)
            with listening_on("telegram.webhook_port", s.webhook_host, s.webhook_port):
                await self._webhook.start(host=s.webhook_host, port=s.webhook_port)
            await app.bot.set_webhook(url=s.webhook_url, secret_token=s.webhook_secret or None,
                                      allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram webhook listening on %s:%s/%s", s.webhook_host, s.webhook_port,
                     self.webhook_path)
        elif poll:
            await self.start_polling()
        else:
            self.standby = True

    async def start_polling(self) -> None:
        updater = self.application.updater
        if updater is None or updater.running:
            return
        await updater.start_polling(timeout=int(self.settings.poll_timeout_seconds),
                                    poll_interval=0, allowed_updates=ALLOWED_UPDATES)
        self.standby = False
        log.info("Telegram: polling for updates as @%s", self.application.bot.username)

    async def stop_polling(self) -> None:
        """Stop receiving (sending goes on); another process may poll from now on."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        self.standby = True

    @property
    def polls_for_updates(self) -> bool:
        """Long polling (one process at a time may do it), rather than a webhook."""
        return self.settings.delivery == "polling"

    @property
    def connected(self) -> bool:
        """Started and receiving updates by polling or webhook, or standing by while another
        process polls (for /readyz)."""
        updater = self.application.updater
        receiving = (updater is not None and updater.running) or self._webhook is not None
        return self.application.running and (receiving or self.standby)

    @property
    def webhook_path(self) -> str:
        return urlparse(self.settings.webhook_url).path.strip("/")

    async def _register_commands(self) -> None:
        bot = self.application.bot
        try:
            await bot.set_my_commands(tg.bot_commands(catalogue("nl")))
            await bot.set_my_commands(tg.bot_commands(catalogue("en")), language_code="en")
        except TelegramError as exc:  # the menu is a convenience; the commands work anyway
            log.warning("could not register the Telegram command menu: %s", exc.message)

    async def stop(self) -> None:
        app = self.application
        if self._webhook is not None:  # first: requests in progress finish their handlers
            await self._webhook.stop()
            self._webhook = None
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await self.drain(grace_s=STOP_GRACE_S)
        await app.shutdown()
        await app.bot.shutdown()  # when only the gateway used it (no-op otherwise)
