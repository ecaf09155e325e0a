"""Coalesce bursts: run an update for a key at most once per interval, however often touched.

Used for live tallies: a thousand clicks on one message become one edit every few seconds,
and the last click is always reflected by a final edit. Runs for one key never overlap, so
an older edit cannot land after a newer one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)


class Coalescer:
    def __init__(self, *, interval: float, action: Callable[[Hashable], Awaitable[None]],
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._action = action
        self._monotonic = monotonic
        self._last_run: dict[Hashable, float] = {}
        self._scheduled: set[Hashable] = set()
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def touch(self, key: Hashable) -> None:
        if key in self._scheduled:
            return  # the scheduled run has not read the state yet: it will see this change
        self._scheduled.add(key)
        task = asyncio.create_task(self._run_later(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_later(self, key: Hashable) -> None:
        async with self._locks.setdefault(key, asyncio.Lock()):
            # Waited here, under the lock, so the interval counts from the previous run's end.
            delay = self._last_run.get(key, -1e9) + self._interval - self._monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # Leave the scheduled set before reading: a touch from now on needs another run.
            self._scheduled.discard(key)
            try:
                await self._action(key)
            except Exception:
                log.exception("coalesced update for %s failed", key)
            finally:
                # Counted from the end of a run, so edits arrive at least `interval` apart.
                self._last_run[key] = self._monotonic()

    async def flush(self) -> None:
        """Wait for every scheduled and running update (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
