"""Scheduled runs recorded per (campaign, job, slot), so each slot runs exactly once.

Every process that wakes up for a slot tries to INSERT the run; the unique constraint lets
one win. A run that was claimed but never finished (the process died) is taken over after
RUN_LEASE by whoever looks next. The scheduler's in-memory job store knows none of this:
after a restart the database is the only memory of what ran.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select, update

from bot.clock import utc
from bot.store.db import Database
from bot.store.models import DigestRun, JobRun
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

# Longer than any single run takes (a digest to a hundred channels at Slack's pace takes a
# few minutes), so a live run is never taken over; short enough to resume a crash the same
# morning. The scheduler looks for expired leases every few minutes.
RUN_LEASE = timedelta(minutes=15)


class RunStatus:
    CLAIMED = "claimed"
    DONE = "done"
    SKIPPED = "skipped"
    BASELINE = "baseline"  # no run: marks when the schedule started, for later catch-up


@dataclass(frozen=True, slots=True)
class Claim:
    slot: datetime
    resumed: bool  # taken over from a process that did not finish it
    detail: str | None  # what the earlier attempt noted, e.g. the statement it chose


def slot_key(slot: datetime) -> str:
    """The slot as stored: ISO 8601 in UTC, so string order is time order."""
    return utc(slot).isoformat(timespec="seconds")


async def claim(db: Database, *, campaign_id: str, job: str, slot: datetime,
                now: datetime) -> Claim | None:
    """Take the run for this slot, or None when it is done, skipped or running elsewhere."""
    key = slot_key(slot)
    async with db.transaction() as session:
        inserted = await session.scalar(
            insert_for(db.dialect, JobRun)
            .values(campaign_id=campaign_id, job=job, slot=key, status=RunStatus.CLAIMED,
                    claimed_at=utc(now))
            .on_conflict_do_nothing().returning(JobRun.id))
        if inserted is not None:
            return Claim(slot=slot, resumed=False, detail=None)
        row = (await session.execute(select(JobRun.status, JobRun.claimed_at, JobRun.detail)
                                     .where(_same(campaign_id, job, key)))).one()
    if row.status != RunStatus.CLAIMED or utc(row.claimed_at) + RUN_LEASE > utc(now):
        return None
    # Compare-and-set on the old claim time: of two processes taking over, one wins.
    async with db.transaction() as session:
        taken = await session.execute(update(JobRun).where(
            _same(campaign_id, job, key), JobRun.status == RunStatus.CLAIMED,
            JobRun.claimed_at == row.claimed_at).values(claimed_at=utc(now)))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    log.warning("%s run for %s was claimed at %s and never finished (the process stopped?): "
                "resuming it; channels already posted are not posted again",
                job, key, utc(row.claimed_at).isoformat(timespec="seconds"))
    return Claim(slot=slot, resumed=True, detail=row.detail)


async def note(db: Database, *, campaign_id: str, job: str, slot: datetime,
               detail: str) -> None:
    """Remember something about a claimed run for a resumption (e.g. the chosen statement)."""
    async with db.transaction() as session:
        await session.execute(update(JobRun).where(_same(campaign_id, job, slot_key(slot)))
                              .values(detail=detail[:300]))


async def noted(db: Database, *, campaign_id: str, job: str, slot: datetime) -> str | None:
    async with db.sessions() as session:
        detail: str | None = await session.scalar(
            select(JobRun.detail).where(_same(campaign_id, job, slot_key(slot))))
        return detail


async def finish(db: Database, *, campaign_id: str, job: str, slot: datetime, status: str,
                 detail: str, now: datetime) -> None:
    async with db.transaction() as session:
        await session.execute(update(JobRun).where(_same(campaign_id, job, slot_key(slot)))
                              .values(status=status, detail=detail[:300],
                                      finished_at=utc(now)))


async def record(db: Database, *, campaign_id: str, job: str, slot: datetime, status: str,
                 detail: str, now: datetime) -> bool:
    """Record a slot that will not run (skipped, baseline); False if it was already there."""
    async with db.transaction() as session:
        inserted = await session.scalar(
            insert_for(db.dialect, JobRun)
            .values(campaign_id=campaign_id, job=job, slot=slot_key(slot), status=status,
                    detail=detail[:300], claimed_at=utc(now), finished_at=utc(now))
            .on_conflict_do_nothing().returning(JobRun.id))
    return inserted is not None


async def last_slot(db: Database, *, campaign_id: str, job: str) -> datetime | None:
    """The latest slot this job has any record of (run, skipped or baseline)."""
    async with db.sessions() as session:
        latest = await session.scalar(select(func.max(JobRun.slot)).where(
            JobRun.campaign_id == campaign_id, JobRun.job == job))
    return None if latest is None else datetime.fromisoformat(latest)


async def unfinished_slots(db: Database, *, campaign_id: str, job: str,
                           now: datetime) -> list[datetime]:
    """Claimed runs whose lease has expired: their process is presumed gone."""
    async with db.sessions() as session:
        rows = await session.execute(select(JobRun.slot, JobRun.claimed_at).where(
            JobRun.campaign_id == campaign_id, JobRun.job == job,
            JobRun.status == RunStatus.CLAIMED))
        return [datetime.fromisoformat(slot) for slot, claimed_at in rows
                if utc(claimed_at) + RUN_LEASE <= utc(now)]


async def unsent_digest_channels(db: Database, *, campaign_id: str, slot: datetime) -> int:
    """Channels still missing a part of this slot's digest (the digest outbox takes over
    parts a dead process left in flight, so nothing needs releasing here)."""
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(DigestRun).where(
            DigestRun.campaign_id == campaign_id, DigestRun.period == slot_key(slot),
            DigestRun.status.not_in(("posted", "failed")))) or 0)


def _same(campaign_id: str, job: str, key: str) -> ColumnElement[bool]:
    return and_(JobRun.campaign_id == campaign_id, JobRun.job == job, JobRun.slot == key)
