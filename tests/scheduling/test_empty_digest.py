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
