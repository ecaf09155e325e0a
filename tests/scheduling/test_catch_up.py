"""Downtime over a scheduled run: made up once within the grace period, skipped beyond it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.service import CampaignService
from bot.store.models import DigestSnapshot, JobRun
from scheduling import CampaignScheduler
from tests.scheduling.world import PNG, RecordingGateway, at, scheduled_settings

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FRIDAY_DIGEST = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # fri 15:00 in Amsterdam


def scheduler(service: CampaignService) -> CampaignScheduler:
    assert service.settings.schedule is not None
    return CampaignScheduler(service=service, schedule=service.settings.schedule,
                             clock=service.clock)


def digest_only(service: CampaignService, db_url: str, **schedule: object) -> None:
    service.settings = scheduled_settings(db_url, open=[], remind=[], **schedule)


async def catch_up(service: CampaignService, now: datetime) -> list[tuple[str, str]]:
    at(service, now)
    return [(r.job, r.outcome) for r in await scheduler(service).catch_up(now)]


async def runs(service: CampaignService, job: str) -> list[tuple[str, str]]:
    async with service.db.sessions() as session:
        rows = await session.execute(select(JobRun.status, JobRun.detail)
                                     .where(JobRun.job == job).order_by(JobRun.slot))
        return [(status, detail or "") for status, detail in rows]


async def test_first_start_marks_a_baseline_and_catches_nothing_up(
        service: CampaignService, gateway: RecordingGateway) -> None:
    assert await catch_up(service, FRIDAY_DIGEST + timedelta(hours=1)) == []
    assert gateway.digests == [] and gateway.posts == []
    assert await runs(service, "digest") == [("baseline", "schedule started")]


async def test_downtime_inside_the_grace_period_is_caught_up_once(
        service: CampaignService, gateway: RecordingGateway, db_url: str) -> None:
    digest_only(service, db_url)
    await catch_up(service, MONDAY)
    # Down from Friday 13:00 to 17:00 UTC: the 14:00 digest is 3 hours late, grace is 6.
    assert await catch_up(service, FRIDAY_DIGEST + timedelta(hours=3)) == [("digest", "ran")]
    assert sorted(channel for channel, _ in gateway.digests) == ["C0AAA00001", "C0BBB00001"]
    assert len(gateway.charts) == 2 and all(c and c.startswith(PNG) for c in gateway.charts)
    assert await catch_up(service, FRIDAY_DIGEST + timedelta(hours=3, minutes=5)) == []
    assert len(gateway.digests) == 2


async def test_downtime_beyond_the_grace_period_is_skipped_with_a_log_line(
        service: CampaignService, gateway: RecordingGateway, db_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    digest_only(service, db_url)
    await catch_up(service, MONDAY)
    with caplog.at_level(logging.WARNING):
        assert await catch_up(service, FRIDAY_DIGEST + timedelta(hours=20)) == [
            ("digest", "skipped")]
    assert gateway.digests == []
    assert ("digest run scheduled for Fri 2026-11-27 15:00 (Europe/Amsterdam) was missed by "
            "20h, more than misfire_grace 6h: skipped") in caplog.text
    assert (await runs(service, "digest"))[-1] == (
        "skipped", "missed by 20h, more than misfire_grace 6h")
    # The next Friday runs as usual.
    assert await catch_up(service, FRIDAY_DIGEST + timedelta(days=7)) == [("digest", "ran")]
    assert len(gateway.digests) == 2


async def test_several_missed_runs_are_coalesced_into_one(
        service: CampaignService, gateway: RecordingGateway, db_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    digest_only(service, db_url, digest="daily 15:00")
    await catch_up(service, MONDAY)
    wednesday = FRIDAY_DIGEST - timedelta(days=2)
    with caplog.at_level(logging.WARNING):
        outcomes = await catch_up(service, wednesday + timedelta(hours=1))
    assert outcomes == [("digest", "coalesced"), ("digest", "coalesced"), ("digest", "ran")]
    assert len(gateway.digests) == 2  # one per channel, not three
    assert "2 scheduled run(s) between Mon 2026-11-23 15:00 (Europe/Amsterdam) and Tue " \
           "2026-11-24 15:00 (Europe/Amsterdam) were missed" in caplog.text
    assert [s for s, _ in await runs(service, "digest")] == [
        "baseline", "skipped", "skipped", "done"]


async def test_a_paused_campaign_does_nothing_until_resumed(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await catch_up(service, MONDAY)
    assert await service.set_paused(True) and not await service.set_paused(True)
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert await catch_up(service, tuesday) == [("open", "paused")]
    assert await catch_up(service, datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == [
        ("remind", "paused")]
    assert await catch_up(service, FRIDAY_DIGEST) == [("digest", "paused")]
    assert gateway.posts == [] and gateway.digests == [] and gateway.private == []
    assert await service.set_paused(False)
    # Resumed: what was missed while paused stays missed; the next moment runs.
    assert await catch_up(service, tuesday + timedelta(days=7)) == [("open", "ran")]
    assert len(gateway.posts) == 2


async def test_the_scheduler_arms_triggers_in_the_loop_with_deliberate_misfire_settings(
        service: CampaignService, gateway: RecordingGateway) -> None:
    at(service, MONDAY)
    campaign = scheduler(service)
    await campaign.start()
    try:
        armed = campaign._scheduler
        assert armed is not None and armed.running
        jobs = {job.id: job for job in armed.get_jobs()}
        assert set(jobs) == {"open", "remind", "digest", "check"}
        assert jobs["digest"].misfire_grace_time == 6 * 3600 and jobs["digest"].coalesce
        assert str(jobs["open"].trigger.timezone) == "Europe/Amsterdam"
        assert campaign.describe() == [
            "open next at Tue 2026-11-24 10:00 (Europe/Amsterdam)",
            "remind next at Thu 2026-11-26 10:00 (Europe/Amsterdam)",
            "digest next at Fri 2026-11-27 15:00 (Europe/Amsterdam)"]
        # A firing, simulated: the clock has moved to the trigger's moment.
        assert isinstance(service.clock, FixedClock)
        service.clock.current = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        await campaign._guarded("open")
        assert len(gateway.posts) == 2
    finally:
        await campaign.stop()
    assert campaign._scheduler is None


async def test_a_channel_that_failed_is_retried_and_the_snapshot_saved_once(
        service: CampaignService, gateway: RecordingGateway, db_url: str) -> None:
    digest_only(service, db_url)
    await catch_up(service, MONDAY)
    send = gateway.send_part
    failing = {"C0BBB00001"}

    async def flaky(channel, part, *, key):  # type: ignore[no-untyped-def]
        if channel.external_id in failing:
            raise RuntimeError("upstream 503")
        return await send(channel, part, key=key)

    gateway.send_part = flaky  # type: ignore[method-assign]
    assert await catch_up(service, FRIDAY_DIGEST) == [("digest", "incomplete")]
    assert [c for c, _ in gateway.digests] == ["C0AAA00001"]
    failing.clear()
    assert await catch_up(service, FRIDAY_DIGEST + timedelta(minutes=16)) == [
        ("digest", "resumed")]
    assert sorted(c for c, _ in gateway.digests) == ["C0AAA00001", "C0BBB00001"]
    async with service.db.sessions() as session:
        snapshots = list(await session.scalars(select(DigestSnapshot.period)))
    assert snapshots == ["2026-11-27T14:00:00+00:00"]


async def test_statements_close_when_their_period_is_over_unless_paused(
        service: CampaignService, gateway: RecordingGateway, db_url: str) -> None:
    digest_only(service, db_url)
    at(service, MONDAY)
    await service.open("visie-rijk")
    await catch_up(service, MONDAY + timedelta(days=6))
    assert gateway.closed == []
    await service.set_paused(True)
    await catch_up(service, MONDAY + timedelta(days=7))
    assert gateway.closed == []
    await service.set_paused(False)
    await catch_up(service, MONDAY + timedelta(days=7, minutes=5))
    assert sorted(gateway.closed) == [("C0AAA00001", "visie-rijk"),
                                      ("C0BBB00001", "visie-rijk")]
