"""Server errors (500, 502, 503, 504) are retried on both platforms, and a Telegram that
answers 502 at start-up is waited out instead of crashing `positie run`."""

from __future__ import annotations

import pytest

from bot.service import CampaignService
from tests.factories import apply_settings, settings
from tests.slack_world import CHANNELS, SlackWorld
from tests.telegram_world import BUTTONS, telegram_section, telegram_world

SERVER_ERRORS = [500, 502, 503, 504]


async def test_telegram_start_up_survives_502_from_get_me(service: CampaignService,
                                                         db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    # More 502s than the rate limiter's own retries (3): the start-up back-off takes over.
    async with telegram_world(service, config, before_start=lambda emulator: emulator.fail_next(
            "getMe", 502, "Bad Gateway", times=6)) as world:
        statuses = [c.status for c in world.emulator.calls_to("getMe")]
        assert statuses[:6] == [502] * 6 and statuses[6] == 200
        assert world.adapter.application.running
        report = await service.open("visie-rijk")  # and it works
        assert report.posted == 3 and report.pending == 0


@pytest.mark.parametrize("status", SERVER_ERRORS)
async def test_telegram_sends_are_retried_after_server_errors(service: CampaignService,
                                                              db_url: str, status: int) -> None:
    config = await apply_settings(service, settings(db_url, telegram=telegram_section()))
    async with telegram_world(service, config) as world:
        world.emulator.fail_next("sendMessage", status, times=2)
        report = await service.open("visie-rijk")
        assert report.posted == 3 and report.pending == 0
        failed = [c for c in world.emulator.calls_to("sendMessage") if c.status == status]
        assert len(failed) == 2
        assert world.statement_message(BUTTONS, "visie-rijk") is not None


@pytest.mark.parametrize("status", SERVER_ERRORS)
async def test_slack_posts_are_retried_after_server_errors(service: CampaignService,
                                                           slack: SlackWorld,
                                                           status: int) -> None:
    slack.emulator.fail_next("chat.postMessage", error="server_error", status=status, times=2)
    report = await service.open("visie-rijk")
    assert report.posted == len(CHANNELS) and report.pending == 0
    calls = slack.emulator.calls_to("chat.postMessage")
    assert [c.status for c in calls].count(status) == 2
    assert all(len(slack.emulator.messages(c)) == 1 for c in CHANNELS)
