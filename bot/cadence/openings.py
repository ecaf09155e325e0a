"""The statement cadence: which statement opens next, and which open ones are due to close.

Both are decided from the database, so two processes, a rerun or a resumed run agree.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.cadence import job_runs
from bot.clock import utc
from bot.domain import StatementState
from bot.store.db import Database
from bot.store.models import Statement

log = logging.getLogger(__name__)

OPEN_JOB = "open"
_CHOSEN = "statement:"


async def choose_next_statement(db: Database, *, campaign_id: str, slot: datetime,
                                order: str | tuple[str, ...]) -> str | None:
    """The statement to open for this slot: the one an interrupted run already chose, else
    the first never-opened statement in the configured order (None when all have been).

    The choice is noted on the slot's run before anything is posted, so a run resumed after
    a crash posts that same statement instead of opening the next one as well.
    """
    earlier = await job_runs.noted(db, campaign_id=campaign_id, job=OPEN_JOB, slot=slot)
    if earlier and earlier.startswith(_CHOSEN):
        return earlier.removeprefix(_CHOSEN)
    async with db.sessions() as session:
        drafts = list(await session.scalars(
            select(Statement.key).where(Statement.campaign_id == campaign_id,
                                        Statement.state == StatementState.DRAFT)
            .order_by(Statement.position)))
    if isinstance(order, tuple):
        drafts = [key for key in order if key in set(drafts)]
    if not drafts:
        return None
    await job_runs.note(db, campaign_id=campaign_id, job=OPEN_JOB, slot=slot,
                        detail=_CHOSEN + drafts[0])
    return drafts[0]


def closes_at(opened_at: datetime, open_for: timedelta, timezone: str) -> datetime:
    """When a statement's open period ends, counted on the campaign's wall clock: opened
    Tuesday 10:00 for 7 days closes next Tuesday 10:00, also across a DST change. Seconds are
    dropped because a run opens a few seconds after its slot and should close on the slot."""
    local = utc(opened_at).astimezone(ZoneInfo(timezone))
    # Adding to an aware datetime moves its wall clock; the offset follows the new date.
    return (local.replace(second=0, microsecond=0) + open_for).astimezone(UTC)


async def claim_due_closings(db: Database, *, campaign_id: str, open_for: timedelta,
                             timezone: str, now: datetime) -> list[str]:
    """Mark closed every open statement whose period has ended, returning the keys this
    caller closed. The state flip is a compare-and-set, so with two processes each statement
    is closed (and its messages edited) by one of them."""
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Statement.id, Statement.key, Statement.opened_at)
            .where(Statement.campaign_id == campaign_id,
                   Statement.state == StatementState.OPEN,
                   Statement.opened_at.is_not(None)))).all()
    closed: list[str] = []
    for row in rows:
        if closes_at(row.opened_at, open_for, timezone) > utc(now):
            continue
        async with db.transaction() as session:
            flipped = await session.execute(
                update(Statement).where(Statement.id == row.id,
                                        Statement.state == StatementState.OPEN)
                .values(state=StatementState.CLOSED, closed_at=utc(now)))
        if flipped.rowcount == 1:  # type: ignore[attr-defined]
            closed.append(row.key)
    return closed
