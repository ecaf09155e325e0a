"""Under 20 % faults on the confirmation calls (Slack's response_url, Telegram's
answerCallbackQuery), every clicker still gets the confirmation: the calls are retried.

Which calls fail is drawn from a seeded generator before each click (repeatable)."""

from __future__ import annotations

import random

import pytest

from tests.slack_world import SlackWorld
from tests.telegram_world import TelegramWorld, person

S = "visie-rijk"
CLICKERS = 50
FAULT_RATE = 0.2
SEED = 9


@pytest.fixture
async def slack_world(slack: SlackWorld, db_url: str) -> SlackWorld:
    if not db_url.startswith("sqlite"):
        pytest.skip("retries of outgoing calls; the store is the same on both")
    for n in range(CLICKERS):
        slack.emulator.add_user(f"U{n:03d}", f"ambtenaar{n}")
    await slack.service.open(S)
    return slack


@pytest.fixture
async def telegram_world(telegram: TelegramWorld, db_url: str) -> TelegramWorld:
    if not db_url.startswith("sqlite"):
        pytest.skip("retries of outgoing calls; the store is the same on both")
    await telegram.service.open(S)
    return telegram


async def test_every_slack_clicker_gets_the_confirmation(slack_world: SlackWorld) -> None:
    world, rng, faults = slack_world, random.Random(SEED), 0
    for n in range(CLICKERS):
        if rng.random() < FAULT_RATE:
            faults += 1
            world.emulator.fail_next("response_url", status=rng.choice([500, 502, 503, 429]))
        assert (await world.click(f"U{n:03d}", S, "eens")).status == 200
    await world.settle()
    missing = [n for n in range(CLICKERS) if not world.replies_to(f"U{n:03d}")]
    print(f"\nSlack: {faults} of {CLICKERS} confirmations failed once; missing after "
          f"retries: {len(missing)}")
    assert faults and not missing


async def test_every_telegram_presser_gets_the_answer(telegram_world: TelegramWorld) -> None:
    world, rng, faults = telegram_world, random.Random(SEED), 0
    pressed = []
    for n in range(CLICKERS):
        if rng.random() < FAULT_RATE:
            faults += 1
            world.emulator.fail_next("answerCallbackQuery", rng.choice([500, 502, 503, 504]))
        pressed.append((await world.press(person(n), S, "eens"))["callback_query"]["id"])
        await world.settle()  # one at a time: the fault meets this press's answer
    answered = {a["callback_query_id"] for a in world.emulator.answered_callbacks}
    print(f"\nTelegram: {faults} of {CLICKERS} answers failed once; missing after retries: "
          f"{len(set(pressed) - answered)}")
    assert faults and set(pressed) <= answered
    assert await world.event_count() == CLICKERS
