"""Telegram webhooks: only requests with the secret token count, and a redelivery counts once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.service import CampaignService
from emulators.telegram.payloads import poll_answer_dict
from tests.factories import apply_settings, settings
from tests.telegram_world import (
    BUTTONS,
    WEBHOOK_SECRET,
    TelegramWorld,
    person,
    telegram_section,
    telegram_world,
)

S = "visie-rijk"
ALICE = person(1)
JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def world(service: CampaignService, db_url: str) -> AsyncIterator[TelegramWorld]:
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    async with telegram_world(service, config, webhook=True) as w:
        yield w


async def post(world: TelegramWorld, update: dict[str, object],
               headers: dict[str, str]) -> int:
    url = world.adapter.settings.webhook_url
    async with aiohttp.ClientSession() as session, session.post(
            url, data=json.dumps(update).encode(), headers=headers) as response:
        return response.status


@pytest.mark.parametrize("secret", [None, "guessed-secret"])
async def test_webhook_without_the_right_secret_is_refused(world: TelegramWorld,
                                                           secret: str | None) -> None:
    await world.service.open(S)
    poll = await world.poll(S)
    poll.set_vote(ALICE.id, (1,))  # what she did, had the request been genuine
    forged = {"update_id": 800_000_001,
              "poll_answer": poll_answer_dict(poll, ALICE, [1])}
    headers = JSON if secret is None else {**JSON, "X-Telegram-Bot-Api-Secret-Token": secret}
    assert await post(world, forged, headers) == 403
    await world.settle()
    assert await world.event_count() == 0
    assert await world.stored() == []


async def test_webhook_delivers_with_the_secret_and_a_redelivery_counts_once(
        world: TelegramWorld) -> None:
    [hook] = world.emulator.calls_to("setWebhook")
    assert hook.body["secret_token"] == WEBHOOK_SECRET
    await world.service.open(S)
    update = await world.press(ALICE, S, "eens")
    await world.settle()
    assert [d.status for d in world.emulator.webhook_deliveries] == [200]
    # Telegram sends the same update again when it missed the answer (same update_id).
    secret = {**JSON, "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    assert await post(world, update, secret) == 200
    await world.settle()
    assert await world.event_count() == 1
    assert await world.stored() == [("eens", "onbekend")]
    assert len(world.emulator.answered_callbacks) == 1  # the replayed query was too old
    assert sum("overheidslaag" in t for t in world.texts_in(BUTTONS)) == 1


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"{not json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b'{"update_id": "7"}', "application/json", 400),
    (b'{"update_id": 7}', "text/plain", 403),
    (b'{"update_id": 7, "callback_query": {"from": "Geheimnaam"}}', "application/json", 200),
])
async def test_hostile_webhook_bodies_get_4xx_or_are_skipped(
        world: TelegramWorld, body: bytes, content_type: str, status: int,
        caplog: pytest.LogCaptureFixture) -> None:
    await world.service.open(S)
    url = world.adapter.settings.webhook_url
    headers = {"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with aiohttp.ClientSession() as session, session.post(
            url, data=body, headers=headers) as response:
        assert response.status == status
    assert "Traceback" not in caplog.text and "Geheimnaam" not in caplog.text
    await world.press(ALICE, S, "eens")  # and a real press still counts
    await world.settle()
    assert await world.event_count() == 1
