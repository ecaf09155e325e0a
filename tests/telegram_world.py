"""A Telegram world for scenario tests: the emulator, the real bot polling it (or receiving its
webhooks) over HTTP, and people who vote, press buttons and send commands."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from adapters.telegram import TelegramAdapter, TelegramRateLimiter
from adapters.telegram.settings import TelegramSettings
from bot.service import CampaignService
from bot.settings.config import Settings
from bot.store.models import Position, PositionEvent
from emulators.telegram import (
    DEFAULT_TOKEN,
    EmulatedUser,
    RateLimitPolicy,
    StoredMessage,
    StoredPoll,
    TelegramEmulator,
)

BUTTONS = -1001000000001  # inline buttons, no default layer
POLL = -1001000000002  # native poll, no default layer
GEMEENTE = -1001000000003  # inline buttons, default layer gemeente
CHATS: dict[int, tuple[str, str | None]] = {
    BUTTONS: ("buttons", None), POLL: ("poll", None), GEMEENTE: ("buttons", "gemeente")}
ADMIN = EmulatedUser(id=900, first_name="Krachtteam")
WEBHOOK_SECRET = "test-webhook-secret"


def person(n: int, **kwargs: Any) -> EmulatedUser:
    return EmulatedUser(id=1000 + n, first_name=f"Ambtenaar{n}", **kwargs)


def telegram_section(**overrides: Any) -> dict[str, Any]:
    return {"enabled": True, "bot_token": DEFAULT_TOKEN, "poll_timeout_seconds": 1,
            "tally_interval_seconds": 0.05, "admins": [ADMIN.id],
            "chats": [{"id": chat, "answer_mode": mode, "default_layer": layer}
                      for chat, (mode, layer) in CHATS.items()],
            **overrides}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class TelegramWorld:
    emulator: TelegramEmulator
    adapter: TelegramAdapter
    service: CampaignService

    async def settle(self) -> None:
        """Until the bot has taken every update, handled it and finished what that started."""
        queue = self.emulator.state.updates
        async with asyncio.timeout(5):
            # The emulator signals no event when getUpdates confirms updates: look every 5 ms.
            while any(queue.is_allowed(update) for update in queue.pending):  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            await self.adapter.application.update_queue.join()
            await self.adapter.drain()

    def statement_message(self, chat: int, key: str) -> StoredMessage:
        for message in self.emulator.messages(chat):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            if any(b.get("callback_data", "").startswith(f"v:{key}:") for r in rows for b in r):
                return message
        raise AssertionError(f"no message with buttons for {key} in chat {chat}")

    async def poll(self, key: str, chat: int = POLL) -> StoredPoll:
        text = (await self.service.statement_view(key)).text
        for poll in self.emulator.state.polls.values():
            if poll.chat_id == chat and poll.question == text:
                return poll
        raise AssertionError(f"no poll for {key} in chat {chat}")

    def option_index(self, option: str) -> int:
        return [o.key for o in self.service.scale].index(option)

    async def press(self, user: EmulatedUser, key: str, option: str, *,
                    chat: int = BUTTONS) -> dict[str, Any]:
        message = self.statement_message(chat, key)
        return self.emulator.user_presses_button(user, chat, message.message_id,
                                                 f"v:{key}:{option}")

    async def answer(self, user: EmulatedUser, key: str, option: str | None,
                     *, chat: int = POLL) -> dict[str, Any] | None:
        poll = await self.poll(key, chat)
        options = [] if option is None else [self.option_index(option)]
        return self.emulator.user_answers_poll(user, poll.id, options)

    def texts_in(self, chat: int) -> list[str]:
        return [m.plain_text or "" for m in self.emulator.messages(chat)]

    def callback_answers(self) -> list[str]:
        return [str(a["text"]) for a in self.emulator.answered_callbacks]

    async def stored(self) -> list[tuple[str, str]]:
        async with self.service.db.sessions() as session:
            rows = await session.execute(select(Position.option_key, Position.layer))
            return sorted((r.option_key, r.layer) for r in rows)

    async def event_count(self) -> int:
        async with self.service.db.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(PositionEvent))
            return int(count or 0)


@asynccontextmanager
async def telegram_world(service: CampaignService, settings: Settings, *,
                         rate_limits: RateLimitPolicy | None = None,
                         webhook: bool = False,
                         before_start: Callable[[TelegramEmulator], None] | None = None,
                         ) -> AsyncIterator[TelegramWorld]:
    async with TelegramEmulator(rate_limits=rate_limits or RateLimitPolicy.off(),
                                poll_state_updates=False) as emulator:
        for chat in CHATS:
            emulator.add_chat(chat, type="supergroup", title=f"Groep {chat}")
        if before_start is not None:  # faults the start-up is to meet
            before_start(emulator)
        update: dict[str, Any] = {"base_url": emulator.base_url}
        if webhook:
            port = free_port()
            update |= {"delivery": "webhook", "webhook_host": "127.0.0.1",
                       "webhook_port": port, "webhook_secret": WEBHOOK_SECRET,
                       "webhook_url": f"http://127.0.0.1:{port}/telegram/webhook"}
        # The bot paces itself to the emulator's limits, shrunk by the same time scale (and
        # with limits off, to almost nothing: tests need not wait a second per message).
        policy = emulator.rate_limiter.policy
        pacing = TelegramRateLimiter(
            max_retries=3, time_scale=policy.time_scale if policy.enabled else 0.001)
        adapter = TelegramAdapter(service=service, rate_limiter=pacing,
                                  settings=TelegramSettings.of(settings).model_copy(update=update))
        service.gateways["telegram"] = adapter.gateway
        await adapter.start()
        try:
            yield TelegramWorld(emulator=emulator, adapter=adapter, service=service)
        finally:
            await adapter.stop()
