"""A scheduled digest with nothing new since the last one is skipped, unless asked for."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.service import CampaignService
from scheduling import post_scheduled_digest
from tests.factories import person, vote
from tests.scheduling.world import RecordingGateway, scheduled_settings

FRIDAY = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def at(service: CampaignService, moment: datetime) -> None:
    service.clock = FixedClock(moment)
    service.writer.now = service.clock.now


async def digest(service: CampaignService, moment: datetime) -> str:
    at(service, moment)
    return await post_scheduled_digest(service, now=moment, slot=moment)


async def test_nothing_yet_then_news_then_nothing_new(service: CampaignService, db_url: str,
                                                      gateway: RecordingGateway,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    service.settings = scheduled_settings(db_url, empty_digests=False)
    with caplog.at_level(logging.INFO, logger="scheduling.jobs"):
        assert await digest(service, FRIDAY) == "skipped: nothing new"
    assert gateway.digests == []
    assert "skipped: nothing new since the last digest" in caplog.text
    assert "schedule.empty_digests = true" in caplog.text

    at(service, FRIDAY + timedelta(days=1))
    await service.open("visie-rijk")
    await service.record(vote(person("U1"), "visie-rijk", "eens"))
    assert "2 posted" in await digest(service, FRIDAY + timedelta(days=7))
    # The statement closes (open_for 7d) just before the next digest: that is news too.
    assert "2 posted" in await digest(service, FRIDAY + timedelta(days=14))
    assert await digest(service, FRIDAY + timedelta(days=21)) == "skipped: nothing new"
    assert len(gateway.digests) == 4  # two digests in two channels; the empty ones skipped

    at(service, FRIDAY + timedelta(days=22))
    await service.open("visie-gebied")
    at(service, FRIDAY + timedelta(days=26))
    await service.record(vote(person("U1"), "visie-gebied", "oneens"))
    assert "2 posted" in await digest(service, FRIDAY + timedelta(days=28))


async def test_empty_digests_true_posts_anyway(service: CampaignService, db_url: str,
                                               gateway: RecordingGateway) -> None:
    service.settings = scheduled_settings(db_url, empty_digests=True)
    assert "2 posted" in await digest(service, FRIDAY)


async def test_through_slack_an_empty_scheduled_digest_posts_nothing(
        service: CampaignService, db_url: str) -> None:
    from tests.factories import apply_settings, settings
    from tests.scheduling.world import SCHEDULE
    from tests.slack_world import slack_section, slack_world

    config = await apply_settings(service, settings(
        db_url, slack=slack_section(), schedule={**SCHEDULE, "empty_digests": False}))
    async with slack_world(service, config) as world:
        assert await digest(service, FRIDAY) == "skipped: nothing new"
        assert world.emulator.calls_to("chat.postMessage") == []
        at(service, FRIDAY + timedelta(hours=1))
        await service.open("visie-rijk")
        await world.click("U1", "visie-rijk", "eens")
        await world.settle()
        assert "2 posted" in await digest(service, FRIDAY + timedelta(days=7))
        headers = [m for m in world.emulator.messages("C0MIXED001")
                   if m.blocks and m.blocks[0]["type"] == "header"]
        assert len(headers) == 1
