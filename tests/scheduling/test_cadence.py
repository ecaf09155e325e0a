"""Opening statements on schedule in order, closing them when their period is over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.cadence import job_runs
from bot.cadence.openings import OPEN_JOB, choose_next_statement
from bot.service import CampaignService
from bot.store.models import JobRun, Statement
from scheduling import job_specs, run_due
from scheduling.runs import JobSpec
from tests.scheduling.world import RecordingGateway, at, scheduled_settings

TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
WEEK = timedelta(days=7)
GRACE = timedelta(hours=6)


def spec(service: CampaignService, name: str) -> JobSpec:
    assert service.settings.schedule is not None
    return next(s for s in job_specs(service.settings.schedule, "Europe/Amsterdam")
                if s.name == name)


async def states(service: CampaignService) -> dict[str, str]:
    async with service.db.sessions() as session:
        rows = await session.execute(select(Statement.key, Statement.state))
        return {key: state for key, state in rows if state != "draft"}


async def tick(service: CampaignService, name: str, now: datetime) -> list[str]:
    at(service, now)
    return [r.outcome for r in await run_due(service, spec(service, name), now=now,
                                             grace=GRACE)]


async def test_opens_in_catalogue_order_and_closes_after_a_week(
        service: CampaignService, gateway: RecordingGateway) -> None:
    assert await tick(service, OPEN_JOB, TUESDAY - timedelta(days=1)) == []  # schedule starts
    assert await tick(service, OPEN_JOB, TUESDAY) == ["ran"]
    assert await states(service) == {"visie-rijk": "open"}
    assert sorted(gateway.posts) == [("C0AAA00001", "visie-rijk"), ("C0BBB00001", "visie-rijk")]
    assert await tick(service, OPEN_JOB, TUESDAY + timedelta(minutes=1)) == []
    # A week later, a few seconds late: the first closes, then the next opens.
    assert await tick(service, OPEN_JOB, TUESDAY + WEEK + timedelta(seconds=3)) == ["ran"]
    assert await states(service) == {"visie-rijk": "closed", "visie-gebied": "open"}
    assert sorted(gateway.closed) == [("C0AAA00001", "visie-rijk"),
                                      ("C0BBB00001", "visie-rijk")]
    assert len(gateway.posts) == 4


async def test_explicit_order_passes_over_statements_opened_by_hand(
        service: CampaignService, gateway: RecordingGateway, db_url: str) -> None:
    service.settings = scheduled_settings(db_url, order=["regels-afval", "inkoop-kennis",
                                                         "visie-rijk"])
    await tick(service, OPEN_JOB, TUESDAY - timedelta(days=1))
    await service.open("inkoop-kennis")  # an admin was quicker
    assert await tick(service, OPEN_JOB, TUESDAY) == ["ran"]
    assert await tick(service, OPEN_JOB, TUESDAY + WEEK) == ["ran"]
    assert await tick(service, OPEN_JOB, TUESDAY + 2 * WEEK) == ["ran"]
    # The third tuesday closes visie-rijk and finds nothing left to open.
    assert await states(service) == {"inkoop-kennis": "closed", "regels-afval": "closed",
                                     "visie-rijk": "closed"}
    assert [key for _, key in gateway.posts[::2]] == ["inkoop-kennis", "regels-afval",
                                                      "visie-rijk"]
    async with service.db.sessions() as session:
        details = list(await session.scalars(select(JobRun.detail).order_by(JobRun.slot)))
    assert details[-1] == "no statement left to open"


async def test_a_resumed_opening_posts_the_statement_it_chose(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await tick(service, OPEN_JOB, TUESDAY - timedelta(days=1))
    # A process claimed the slot, chose and opened the statement, and died before posting.
    db, campaign = service.db, service.campaign_id
    assert await job_runs.claim(db, campaign_id=campaign, job=OPEN_JOB, slot=TUESDAY,
                                now=TUESDAY) is not None
    chosen = await choose_next_statement(db, campaign_id=campaign, slot=TUESDAY,
                                         order="catalogue")
    service.gateways.clear()
    await service.open(chosen or "")
    service.gateways["slack"] = gateway
    # Within its lease nobody touches it; after the lease the next check resumes it.
    assert await tick(service, OPEN_JOB, TUESDAY + timedelta(minutes=5)) == []
    assert await tick(service, OPEN_JOB, TUESDAY + timedelta(minutes=16)) == ["resumed"]
    assert await states(service) == {"visie-rijk": "open"}
    assert sorted(gateway.posts) == [("C0AAA00001", "visie-rijk"), ("C0BBB00001", "visie-rijk")]


async def test_a_channel_not_reached_is_retried_after_the_lease(
        service: CampaignService, gateway: RecordingGateway) -> None:
    failing = {"C0BBB00001"}
    post = gateway.post_statement

    async def flaky(channel, statement, *, key):  # type: ignore[no-untyped-def]
        if channel.external_id in failing:
            raise RuntimeError("connection reset")
        return await post(channel, statement, key=key)

    gateway.post_statement = flaky  # type: ignore[method-assign]
    await tick(service, OPEN_JOB, TUESDAY - timedelta(days=1))
    assert await tick(service, OPEN_JOB, TUESDAY) == ["incomplete"]
    failing.clear()
    assert await tick(service, OPEN_JOB, TUESDAY + timedelta(minutes=16)) == ["resumed"]
    assert sorted(gateway.posts) == [("C0AAA00001", "visie-rijk"), ("C0BBB00001", "visie-rijk")]
    assert await states(service) == {"visie-rijk": "open"}
