"""Which outbox owners count as alive: this process; one on this host whose pid exists and
whose heartbeat is fresh; one on another host until its heartbeat is STALE_AFTER old. A dead
pid on this host is gone at once, without waiting for its heartbeat to age."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from bot.publishing.lease import STALE_AFTER, ProcessLease, wall_now
from bot.store.db import Database
from bot.store.models import OutboxOwner


async def register(db: Database, owner: str, *, host: str, pid: int, age_s: float) -> None:
    beat = wall_now() - timedelta(seconds=age_s)
    async with db.transaction() as session:
        session.add(OutboxOwner(id=owner, host=host, pid=pid, started_at=beat,
                                heartbeat_at=beat))


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def test_live_owners(db: Database) -> None:
    lease = ProcessLease(db=db)
    me = await lease.acquire()
    try:
        fresh, stale = 1.0, STALE_AFTER.total_seconds() + 5
        await register(db, "here-alive", host=lease.host, pid=os.getppid(), age_s=fresh)
        await register(db, "here-dead", host=lease.host, pid=dead_pid(), age_s=fresh)
        await register(db, "there-fresh", host="other-host", pid=1, age_s=fresh)
        await register(db, "there-stale", host="other-host", pid=1, age_s=stale)
        await register(db, "here-stale", host=lease.host, pid=os.getppid(), age_s=stale)
        assert await lease.live_owners() == {me, "here-alive", "there-fresh"}
    finally:
        await lease.release()


async def test_the_heartbeat_is_renewed_and_the_owner_removed_on_release(
        db: Database) -> None:
    lease = ProcessLease(db=db, heartbeat=timedelta(seconds=0.1))
    me = await lease.acquire()
    async with db.sessions() as session:
        first = await session.scalar(select(OutboxOwner.heartbeat_at).where(
            OutboxOwner.id == me))
    await asyncio.sleep(0.5)
    async with db.sessions() as session:
        later = await session.scalar(select(OutboxOwner.heartbeat_at).where(
            OutboxOwner.id == me))
    assert first is not None and later is not None and later > first
    await lease.release()
    async with db.sessions() as session:
        assert await session.scalar(select(OutboxOwner.id).where(OutboxOwner.id == me)) is None
