"""Coalesce bursts: run an update for a key at most once per interval, however often touched,
and until it has landed.

Used for live tallies: a thousand clicks on one message become one edit every few seconds,
and the last click is always reflected by a final edit. Runs for one key never overlap, so
an older edit cannot land after a newer one. A run the platform refuses for now
(`RetryLater`: HTTP 429 with Retry-After) is run again after the wait it names; any other
failure is retried a few times with a growing pause. A newer touch during the wait makes the
retry unnecessary: the scheduled run reads the state afresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable

from bot.ports import RetryLater

log = logging.getLogger(__name__)

MAX_RATE_LIMITED = 30  # waits named by the platform, per run
MAX_FAILURES = 4  # other failures per run; then it is logged and left
FIRST_BACKOFF = 1.0  # seconds, doubled after each failure


class Coalescer:
    def __init__(self, *, interval: float, action: Callable[[Hashable], Awaitable[None]],
                 monotonic: Callable[[], float] = time.monotonic,
                 first_backoff: float = FIRST_BACKOFF) -> None:
        self._interval = interval
        self._action = action
        self._monotonic = monotonic
        self._first_backoff = first_backoff
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
                await self._until_landed(key)
            finally:
                # Counted from the end of a run, so edits arrive at least `interval` apart.
                self._last_run[key] = self._monotonic()

    async def _until_landed(self, key: Hashable) -> None:
        limited = failed = 0
        while True:
            try:
                await self._action(key)
                return
            except RetryLater as exc:
                limited += 1
                if limited > MAX_RATE_LIMITED:
                    log.error("update for %s still rate limited after %d waits; left",
                              key, MAX_RATE_LIMITED)
                    return
                wait = exc.seconds
                log.info("update for %s rate limited: again in %.1f s", key, wait)
            except Exception:
                failed += 1
                if failed > MAX_FAILURES:
                    log.exception("update for %s failed %d times; left", key, failed)
                    return
                wait = self._first_backoff * 2 ** (failed - 1)
                log.warning("update for %s failed; again in %.1f s", key, wait, exc_info=True)
            await asyncio.sleep(wait)
            if key in self._scheduled:
                return  # a newer run is scheduled: it shows the latest state

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def flush(self) -> None:
        """Wait for every scheduled and running update (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
