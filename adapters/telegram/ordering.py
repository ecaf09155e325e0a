"""One person's updates one after another, in the order Telegram sent them.

python-telegram-bot handles updates concurrently (votes share the position writer's group
commit); without this, a /start and a /stop from one person in one batch could be applied
in either order. Different people still go at once. The per-person wait comes before a
concurrency slot is taken, so one busy person cannot hold the slots everyone else needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerPersonOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await super().process_update(update, coroutine)
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())  # asyncio.Lock is FIFO
        self._queued[user.id] = self._queued.get(user.id, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._queued[user.id] -= 1
            if not self._queued[user.id]:  # nobody waiting: forget the lock
                del self._queued[user.id], self._locks[user.id]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
