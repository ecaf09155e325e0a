"""The Telegram half of `positie demo`: the Telegram emulator, the real Telegram adapter, two
groups (one answering with a native poll, one with inline buttons) and simulated people."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from adapters.telegram import TelegramAdapter, TelegramRateLimiter
from adapters.telegram.settings import TelegramSettings
from bot.service import CampaignService
from emulators.telegram import (
    DEFAULT_TOKEN,
    EmulatedUser,
    RateLimitPolicy,
    StoredMessage,
    TelegramEmulator,
)
from positie.slack_view import boxed

POLL_GROUP = -1001000000101
BUTTON_GROUP = -1001000000102
# Telegram's real limits, with time running 20× faster so the demo does not wait a minute
# for a group's twenty messages; the bot paces itself on the same scale.
TIME_SCALE = 0.05


@dataclass
class TelegramAccount:
    answers: int = 0
    retracted: int = 0
    layered: set[int] = field(default_factory=set)
    people: int = 0
    by_platform: dict[str, int] = field(default_factory=dict)  # people with a position


def telegram_section(base_url: str) -> dict[str, Any]:
    """The [telegram] part of the demo's configuration."""
    return {"enabled": True, "bot_token": DEFAULT_TOKEN, "base_url": base_url,
            "tally_interval_seconds": 1.0,
            "chats": [{"id": POLL_GROUP, "answer_mode": "poll"},
                      {"id": BUTTON_GROUP, "answer_mode": "buttons"}]}


@asynccontextmanager
async def telegram_emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(rate_limits=RateLimitPolicy(time_scale=TIME_SCALE),
                                poll_state_updates=False) as emulator:
        emulator.add_chat(POLL_GROUP, type="supergroup", title="Circulair (peiling)")
        emulator.add_chat(BUTTON_GROUP, type="supergroup", title="Circulair (knoppen)")
        yield emulator


def adapter_for(service: CampaignService) -> TelegramAdapter:
    adapter = TelegramAdapter(service=service, settings=TelegramSettings.of(service.settings),
                              rate_limiter=TelegramRateLimiter(time_scale=TIME_SCALE))
    return adapter


async def simulate(service: CampaignService, emulator: TelegramEmulator,
                   adapter: TelegramAdapter, keys: list[str], rng: random.Random,
                   leanings: dict[str, list[int]], people: int) -> TelegramAccount:
    """People answer every open statement: half by poll, half by buttons."""
    layers = list(leanings)
    options = [o.key for o in service.scale]
    crowd = [(EmulatedUser(id=5000 + n, first_name=f"Ambtenaar {n}"), layers[n % len(layers)],
              POLL_GROUP if n % 2 else BUTTON_GROUP) for n in range(people)]
    account = TelegramAccount(people=people)
    emulator.user_starts_bot(crowd[0][0])  # one of them has a private chat with the bot
    for key in keys:
        question = (await service.statement_view(key)).text
        poll = next(p for p in emulator.state.polls.values()
                    if p.chat_id == POLL_GROUP and p.question == question)
        for user, layer, chat in crowd:
            choice = options.index(rng.choices(options, weights=leanings[layer])[0])
            if chat == POLL_GROUP:
                emulator.user_answers_poll(user, poll.id, [choice])
                if rng.random() < 0.1:  # taken back
                    emulator.user_answers_poll(user, poll.id, [])
                    account.retracted += 1
            else:
                message = _statement_message(emulator, chat, key)
                emulator.user_presses_button(user, chat, message.message_id,
                                             f"v:{key}:{options[choice]}")
            account.answers += 1
        await settle(emulator, adapter)
        for user, layer, chat in crowd:  # the layer question: privately, or in the group
            if user.id in account.layered:
                continue
            for place in (user.id, chat):
                asked = _layer_question(emulator, place)
                if asked is not None:
                    emulator.user_presses_button(user, place, asked.message_id, f"l:{layer}")
                    account.layered.add(user.id)
                    break
        await settle(emulator, adapter)
    account.by_platform = await _people_by_platform(service)
    return account


async def _people_by_platform(service: CampaignService) -> dict[str, int]:
    from sqlalchemy import distinct, func, select

    from bot.store.models import Participant, Position

    async with service.db.sessions() as session:
        rows = await session.execute(
            select(Participant.platform, func.count(distinct(Participant.id)))
            .join(Position, Position.participant_id == Participant.id)
            .group_by(Participant.platform))
        return {platform: int(n) for platform, n in rows}


async def settle(emulator: TelegramEmulator, adapter: TelegramAdapter) -> None:
    queue = emulator.state.updates
    # The emulator signals no event when getUpdates confirms updates: look every 10 ms.
    while any(queue.is_allowed(update) for update in queue.pending):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await adapter.application.update_queue.join()
    await adapter.drain()


def _statement_message(emulator: TelegramEmulator, chat: int, key: str) -> StoredMessage:
    return next(m for m in emulator.messages(chat) if any(
        b.get("callback_data", "").startswith(f"v:{key}:")
        for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row))


def _layer_question(emulator: TelegramEmulator, chat: int) -> StoredMessage | None:
    return next((m for m in reversed(emulator.messages(chat)) if any(
        b.get("callback_data", "").startswith("l:")
        for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row)), None)


def message_lines(emulator: TelegramEmulator, message: StoredMessage) -> list[str]:
    """A message roughly as a group member sees it."""
    if message.poll_id is not None:
        poll = emulator.poll(message.poll_id)
        counts = poll.counts()
        total = sum(counts) or 1
        lines = [f"📊 {poll.question}", "(peiling, niet anoniem: leden zien wie wat koos)"]
        lines += [f"  {text:<16} {'▇' * round(12 * n / total):<12} {n}"
                  for text, n in zip(poll.options, counts, strict=True)]
        return lines + (["(gesloten)"] if poll.is_closed else [])
    lines = (message.plain_text or message.caption or "").splitlines()
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        lines.append(" ".join(f"[{b['text']}]" for b in row))
    return lines


def show(emulator: TelegramEmulator, account: TelegramAccount) -> None:
    poll_view = next(m for m in emulator.messages(POLL_GROUP) if m.poll_id)
    print(boxed("Telegram · Circulair (peiling) — a statement as a native poll",
                message_lines(emulator, poll_view)))
    button_view = next(m for m in emulator.messages(BUTTON_GROUP) if m.reply_markup
                       and "v:" in str(m.reply_markup))
    print(boxed("Telegram · Circulair (knoppen) — a statement, with its live tally",
                message_lines(emulator, button_view)))
    toast = emulator.answered_callbacks[0]["text"]
    print(boxed("Telegram · only the presser sees this (answerCallbackQuery)", [str(toast)]))
    digest = [m for m in emulator.messages(BUTTON_GROUP)
              if (m.plain_text or "").startswith("Samenvatting")]
    if digest:
        parts = emulator.messages(BUTTON_GROUP)[emulator.messages(BUTTON_GROUP).index(digest[0]):]
        lines = [line for part in parts for line in message_lines(emulator, part)]
        print(boxed("Telegram · Circulair (knoppen) — the same digest, in Telegram HTML",
                    [*lines[:14], "…"]))
    limiter = emulator.rate_limiter
    print("\nWhat happened on Telegram")
    print(f"  • 2 groups (poll and buttons), {account.people} simulated people, "
          f"{account.answers} answers, {account.retracted} poll votes taken back")
    print(f"  • {len(account.layered)} people were asked their layer (privately if they had "
          "started the bot, else once per group) and chose it")
    print(f"  • {limiter.sent_total} messages and edits within Telegram's limits: "
          f"{limiter.rejected_total} answered 429")
    counted = " + ".join(f"{n} on {platform.title()}"
                         for platform, n in sorted(account.by_platform.items()))
    print(f"  • one digest for both platforms, posted to both: it counts {counted} "
          f"= {sum(account.by_platform.values())} participants, per layer")
