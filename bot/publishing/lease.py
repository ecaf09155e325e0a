"""Which process is sending an outbox row, and whether that process is still alive.

A process that sends registers itself as an OutboxOwner and renews its heartbeat every
HEARTBEAT while it runs. A row in "sending" belongs to its owner only while that owner is
alive: a heartbeat within STALE_AFTER, and, when the owner ran on this host, a pid that still
exists. So a rerun after a crash on the same host takes the row over at once, and a row held
by a process on another host that died is taken over STALE_AFTER after its last heartbeat.
Liveness is wall-clock time, not the campaign's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from bot.store.db import Database
from bot.store.models import OutboxOwner

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=2)
STALE_AFTER = timedelta(seconds=15)
# Owner rows of processes long gone are removed when a new process registers.
FORGET_AFTER = timedelta(days=1)


def wall_now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but another user's
        return True
    return True


class ProcessLease:
    """This process as an outbox owner: registered on first use, renewed in the background
    while the process lives, removed on close."""

    def __init__(self, *, db: Database, heartbeat: timedelta = HEARTBEAT) -> None:
        self._db = db
        self._heartbeat = heartbeat
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.owner = f"{self.host[:40]}:{self.pid}:{uuid.uuid4().hex[:12]}"
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> str:
        """Register (once) and keep the heartbeat going; returns this process's owner id."""
        async with self._lock:
            if self._task is None:
                now = wall_now()
                async with self._db.transaction() as session:
                    await session.execute(delete(OutboxOwner).where(
                        OutboxOwner.heartbeat_at < now - FORGET_AFTER))
                    session.add(OutboxOwner(id=self.owner, host=self.host, pid=self.pid,
                                            started_at=now, heartbeat_at=now))
                self._task = asyncio.create_task(self._renew(), name="positie-outbox-heartbeat")
        return self.owner

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat.total_seconds())
            try:
                async with self._db.transaction() as session:
                    await session.execute(update(OutboxOwner).where(
                        OutboxOwner.id == self.owner).values(heartbeat_at=wall_now()))
            except Exception:  # a database hiccup: the next beat tries again
                log.warning("outbox heartbeat could not be renewed; retrying", exc_info=True)

    async def live_owners(self) -> frozenset[str]:
        """The owners whose rows must be left alone (this process included)."""
        cutoff = wall_now() - STALE_AFTER
        async with self._db.sessions() as session:
            rows = (await session.execute(select(
                OutboxOwner.id, OutboxOwner.host, OutboxOwner.pid,
                OutboxOwner.heartbeat_at))).all()
        live = {self.owner}
        for owner, host, pid, heartbeat_at in rows:
            if owner == self.owner or _utc(heartbeat_at) < cutoff:
                continue
            if host == self.host and pid != self.pid and not pid_alive(pid):
                continue  # died on this machine: no need to wait for its heartbeat to age
            live.add(owner)
        return frozenset(live)

    async def release(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        async with self._db.transaction() as session:
            await session.execute(delete(OutboxOwner).where(OutboxOwner.id == self.owner))
