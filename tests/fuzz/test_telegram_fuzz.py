"""Fuzz: Telegram updates built from real ones (a button press, a poll answer, a command)
with parts replaced, removed or garbled, through long polling and through the webhook.
The bot neither freezes nor answers 5xx nor logs a traceback, memory stays flat, and a real
press afterwards is recorded at once.

Size: 5,000 updates by polling and 5,000 by webhook (`POSITIE_FUZZ_SCALE` multiplies it)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.service import CampaignService
from tests.factories import apply_settings
from tests.factories import settings as campaign_settings
from tests.fuzz.strategies import mutated
from tests.fuzz.test_slack_fuzz import memory_flat, mib, sample
from tests.telegram_world import (
    BUTTONS,
    POLL,
    WEBHOOK_SECRET,
    TelegramWorld,
    person,
    telegram_section,
    telegram_world,
)

SCALE = float(os.environ.get("POSITIE_FUZZ_SCALE", "1"))
# The same examples every run (CI); POSITIE_FUZZ_RANDOM=1 draws new ones.
FIXED = os.environ.get("POSITIE_FUZZ_RANDOM") != "1"
BATCH = 100
EXAMPLES = int(50 * SCALE)  # x BATCH = 5,000 updates per delivery mode
S = "visie-rijk"


async def open_world(service: CampaignService, db_url: str,
                     webhook: bool) -> AsyncIterator[TelegramWorld]:
    if not db_url.startswith("sqlite"):
        pytest.skip("the fuzz runs once, on SQLite (the adapter does not depend on the store)")
    config = await apply_settings(service, campaign_settings(db_url,
                                                              telegram=telegram_section()))
    async with telegram_world(service, config, webhook=webhook) as world:
        await service.open(S)
        yield world


@pytest.fixture
async def polling(service: CampaignService, db_url: str) -> AsyncIterator[TelegramWorld]:
    async for world in open_world(service, db_url, webhook=False):
        yield world


@pytest.fixture
async def webhook(service: CampaignService, db_url: str) -> AsyncIterator[TelegramWorld]:
    async for world in open_world(service, db_url, webhook=True):
        yield world


def real_updates(world: TelegramWorld) -> list[dict[str, Any]]:
    """A press, a poll answer and a command, as the emulator delivers them (not consumed:
    taken out of its queue again)."""
    queue = world.emulator.state.updates
    press = world.emulator.user_presses_button(
        person(1), BUTTONS, world.statement_message(BUTTONS, S).message_id, f"v:{S}:eens")
    poll = next(p for p in world.emulator.state.polls.values() if p.chat_id == POLL)
    answer = world.emulator.user_answers_poll(person(2), poll.id, [0])
    command = world.emulator.user_sends(person(3), BUTTONS, "/stellingen")
    found = [u for u in (press, answer, command) if u is not None]
    for update in found:
        queue.remove(update["update_id"])
    return found


DRAWN: list[list[list[dict[str, Any]]]] = []  # drawn once, sent by polling and by webhook


def draw_batches(bases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The fuzzed updates; drawing costs more than sending them, so both delivery modes get
    the same ones (drawn from the first world's real updates: in the other world its ids
    are those of a near-identical campaign, which is fuzz too)."""
    if DRAWN:
        return DRAWN[0]
    batches: list[list[dict[str, Any]]] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=FIXED,
              phases=[Phase.generate],  # nothing fails: no shrinking, no explaining
              suppress_health_check=[HealthCheck.too_slow])
    @given(batch=st.lists(st.sampled_from(bases).flatmap(mutated), min_size=BATCH,
                          max_size=BATCH))
    def example(batch: list[Any]) -> None:
        batches.append(batch)

    started = time.monotonic()
    example()
    print(f"\n{len(batches) * BATCH} updates drawn in {time.monotonic() - started:.1f} s")
    DRAWN.append(batches)
    return batches


def as_update(candidate: Any, update_id: int) -> dict[str, Any]:
    """What Telegram would send at the least: an object with an update_id."""
    if isinstance(candidate, dict):
        return {**candidate, "update_id": update_id}
    return {"update_id": update_id, "message": candidate}


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text, caplog.text[-3000:]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-3000:]
    caplog.clear()


async def real_press_counts(world: TelegramWorld) -> None:
    before = await world.event_count()
    await world.press(person(99), S, "oneens")
    await world.settle()
    assert await world.event_count() == before + 1


async def test_fuzzed_updates_by_polling(polling: TelegramWorld,
                                         caplog: pytest.LogCaptureFixture) -> None:
    world = polling
    caplog.set_level(logging.INFO)
    batches = draw_batches(real_updates(world))
    queue = world.emulator.state.updates
    started, sizes = time.monotonic(), []
    for n, batch in enumerate(batches):
        for candidate in batch:
            update = as_update(candidate, 0)
            kind = next((k for k in update if k != "update_id"), "message")
            queue.push(kind, update.get(kind))
        await world.settle()  # raises if the bot stops taking updates (a freeze)
        no_traceback(caplog)
        if n % 10 == 0:
            sizes.append(sample(caplog))
    print(f"\nTelegram polling fuzz: {len(batches) * BATCH} updates in "
          f"{time.monotonic() - started:.1f} s, resident memory {mib(sizes)}")
    assert memory_flat(sizes, BATCH * 10), mib(sizes)
    await real_press_counts(world)


async def test_fuzzed_updates_by_webhook(webhook: TelegramWorld,
                                         caplog: pytest.LogCaptureFixture) -> None:
    world = webhook
    caplog.set_level(logging.INFO)
    batches = draw_batches(real_updates(world))
    url = world.adapter.settings.webhook_url
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
               "Content-Type": "application/json"}
    statuses: dict[int, int] = {}
    started, sizes = time.monotonic(), []
    async with aiohttp.ClientSession() as session:

        async def send(update_id: int, candidate: Any) -> None:
            body = json.dumps(as_update(candidate, update_id) if update_id % 10 else candidate)
            async with session.post(url, data=body.encode(), headers=headers) as response:
                statuses[response.status] = statuses.get(response.status, 0) + 1

        for n, batch in enumerate(batches):
            await asyncio.gather(*(send(900_000 + n * BATCH + i, c)
                                   for i, c in enumerate(batch)))
            no_traceback(caplog)
            if n % 10 == 0:
                sizes.append(sample(caplog))
    await world.settle()
    print(f"\nTelegram webhook fuzz: {sum(statuses.values())} updates in "
          f"{time.monotonic() - started:.1f} s, answers {dict(sorted(statuses.items()))}, "
          f"resident memory {mib(sizes)}")
    assert sum(statuses.values()) == len(batches) * BATCH
    assert not [s for s in statuses if s >= 500]
    assert memory_flat(sizes, BATCH * 10), mib(sizes)
    await real_press_counts(world)
