"""Coalesce bursts: run an update for a key at most once per interval, however often touched.

Used for live tallies: a thousand clicks on one message become one edit every few seconds,
and the last click is always reflected by a final edit.
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
        self._pending: dict[Hashable, asyncio.Task[None]] = {}

    def touch(self, key: Hashable) -> None:
        if key in self._pending:
            return  # the scheduled run will see this change too
        delay = max(0.0, self._last_run.get(key, -1e9) + self._interval - self._monotonic())
        self._pending[key] = asyncio.create_task(self._run_later(key, delay))

    async def _run_later(self, key: Hashable, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        # Leave the pending slot before running: a touch during the run schedules another.
        self._pending.pop(key, None)
        self._last_run[key] = self._monotonic()
        try:
            await self._action(key)
        except Exception:
            log.exception("coalesced update for %s failed", key)

    async def flush(self) -> None:
        """Wait for every scheduled run (shutdown, tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()
