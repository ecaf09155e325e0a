"""One digest per channel through the Slack emulator: after a crash mid-run, and with two
bot processes (two engines on one database) waking up at the same scheduled moment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.slack.client import build_client
from adapters.slack.gateway import SlackGateway
from bot.clock import FixedClock
from bot.document import Document
from bot.ports import ChannelTarget, OutgoingPart
from bot.publishing.sync import sync_settings
from bot.service import CampaignService
from bot.store.db import Database
from emulators.slack import SlackEmulator
from scheduling import CampaignScheduler, post_scheduled_digest
from scheduling.jobs import RunIncomplete
from tests.scheduling.world import CHANNELS, PNG, scheduled_settings

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FRIDAY_DIGEST = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


class ProcessDied(BaseException):
    """Stands for the process being killed: nothing in the bot catches it."""


class DiesOnSecondDigest:
    """The real Slack gateway, until the process dies while sending to the second channel."""

    def __init__(self, inner: SlackGateway) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.can_check_delivery = inner.can_check_delivery
        self.in_flight_limit = inner.in_flight_limit
        self.channels: list[str] = []

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        return self.inner.digest_parts(channel, digest, chart_png)

    async def find_delivered(self, channel: ChannelTarget, key: str, *,
                             part: OutgoingPart | None = None,
                             after: str | None = None) -> str | None:
        return await self.inner.find_delivered(channel, key, part=part, after=after)

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        if channel.external_id not in self.channels:
            self.channels.append(channel.external_id)
        if self.channels.index(channel.external_id) == 1:
            raise ProcessDied
        return await self.inner.send_part(channel, part, key=key)


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator() as emulator:
        for channel in CHANNELS:
            emulator.add_channel(channel, channel.lower())
        yield emulator


def process(service: CampaignService, emulator: SlackEmulator) -> CampaignService:
    client = build_client(token="xoxb-positie-emulator", base_url=emulator.base_url, retries=2)
    service.gateways["slack"] = SlackGateway(client=client, service=service)
    return service


@pytest.fixture
async def first(service: CampaignService, db_url: str,
                emulator: SlackEmulator) -> CampaignService:
    service.settings = scheduled_settings(db_url, open=[], remind=[])
    await sync_settings(service.db, service.settings)
    return process(service, emulator)


@pytest.fixture
async def second(first: CampaignService, db_url: str,
                 emulator: SlackEmulator) -> AsyncIterator[CampaignService]:
    """Another process: its own engine and connections on the same database."""
    db = Database(url=db_url)
    service = CampaignService(db=db, settings=first.settings, clock=FixedClock(MONDAY))
    yield process(service, emulator)
    await service.aclose()
    await db.dispose()


def scheduler(service: CampaignService, now: datetime) -> CampaignScheduler:
    assert isinstance(service.clock, FixedClock) and service.settings.schedule is not None
    service.clock.current = now
    return CampaignScheduler(service=service, schedule=service.settings.schedule,
                             clock=service.clock)


def digests(emulator: SlackEmulator) -> dict[str, int]:
    return {channel: sum(1 for m in emulator.messages(channel)
                         if m.blocks and m.blocks[0]["type"] == "header")
            for channel in CHANNELS}


async def test_restart_in_the_middle_of_a_digest_run(first: CampaignService,
                                                     second: CampaignService,
                                                     emulator: SlackEmulator) -> None:
    await scheduler(first, MONDAY).catch_up()
    first.gateways["slack"] = DiesOnSecondDigest(first.gateways["slack"])  # type: ignore[arg-type]
    with pytest.raises(ProcessDied):
        await scheduler(first, FRIDAY_DIGEST).catch_up()
    await first.lease.release()  # the process is gone: so is its outbox heartbeat
    assert sorted(digests(emulator).values()) == [0, 1]
    # The restarted process leaves the run alone while its lease lasts, then resumes it.
    restarted = scheduler(second, FRIDAY_DIGEST + timedelta(minutes=5))
    assert await restarted.catch_up() == []
    second.clock.current = FRIDAY_DIGEST + timedelta(minutes=16)  # type: ignore[attr-defined]
    assert [r.outcome for r in await restarted.catch_up()] == ["resumed"]
    assert digests(emulator) == dict.fromkeys(CHANNELS, 1)
    charts = [f for f in emulator.files.values() if f.filename.endswith(".png")]
    assert sorted(c for f in charts for c in f.channels) == sorted(CHANNELS)
    assert all(f.data.startswith(PNG) for f in charts)


async def test_two_processes_at_the_same_moment_post_one_digest_per_channel(
        first: CampaignService, second: CampaignService, emulator: SlackEmulator) -> None:
    await scheduler(first, MONDAY).catch_up()
    results = await asyncio.gather(scheduler(first, FRIDAY_DIGEST).catch_up(),
                                   scheduler(second, FRIDAY_DIGEST).catch_up())
    outcomes = sorted(r.outcome for found in results for r in found)
    # The slower one finds the slot claimed ("taken") or already on record (nothing due).
    assert outcomes in (["ran"], ["ran", "taken"])
    assert digests(emulator) == dict.fromkeys(CHANNELS, 1)
    # Even without the per-slot claim, the per-channel claim lets one through.
    next_friday = FRIDAY_DIGEST + timedelta(days=7)
    for service in (first, second):
        service.clock.current = next_friday  # type: ignore[attr-defined]
    raced = await asyncio.gather(
        post_scheduled_digest(first, now=next_friday, slot=next_friday),
        post_scheduled_digest(second, now=next_friday, slot=next_friday),
        return_exceptions=True)
    # The one that found the other mid-send says so (its run is retried later), never a crash.
    assert all(isinstance(r, str | RunIncomplete) for r in raced), raced
    assert digests(emulator) == dict.fromkeys(CHANNELS, 2)
    assert len(emulator.calls_to("chat.postMessage")) == 4
