"""Telegram long polling by exactly one process of several on one PostgreSQL database.

Telegram allows one getUpdates caller per bot: a second one ends the first with HTTP 409.
The process that polls is the one holding a PostgreSQL advisory lock on a connection of its
own; the others send (statements, digests, answers) but do not poll, and try for the lock
again every few seconds. A poller that dies loses the lock with its connection, and the next
try elsewhere takes over; one whose database connection breaks stops polling first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import Database
from bot.store.locks import lock_key

log = logging.getLogger(__name__)
LOCK = "positie:telegram-polling"


class PollingLeadership:
    def __init__(self, *, db: Database, start_polling: Callable[[], Awaitable[None]],
                 stop_polling: Callable[[], Awaitable[None]],
                 on_change: Callable[[bool], None] = lambda polling: None,
                 retry_seconds: float = 2.0) -> None:
        self._db = db
        self._start_polling = start_polling
        self._stop_polling = stop_polling
        self._on_change = on_change
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self._connection: AsyncConnection | None = None  # holds the lock while we poll
        self.polling = False

    async def start(self) -> None:
        """Try once now (so a lone process polls before start-up ends), then keep trying."""
        self._connection = await self._try_lock()
        if self._connection is None:
            log.info("Telegram: another process polls; this one stands by")
        self._task = asyncio.create_task(self._run(), name="telegram-polling-lock")

    async def _try_lock(self) -> AsyncConnection | None:
        connection = await self._db.engine.connect()
        try:
            got = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": lock_key(LOCK)})
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return None
        try:
            await self._lead()
        except BaseException:
            await connection.invalidate()  # releases the lock: let another process try
            raise
        return connection

    async def _lead(self) -> None:
        await self._start_polling()
        self.polling = True
        self._on_change(True)
        log.info("Telegram: this process polls (it holds the polling lock)")

    async def _follow(self) -> None:
        if self.polling:
            self.polling = False
            self._on_change(False)
            await self._stop_polling()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._retry)
            try:
                if self._connection is None:
                    self._connection = await self._try_lock()
                    continue
                # The lock lives with this session: check it is still there.
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away, and the lock with it
                log.warning("Telegram: the polling lock's database connection failed (%s); "
                            "polling stops until the lock is held again", type(exc).__name__)
                await self._follow()
                await self._discard()

    async def _discard(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.invalidate()  # never back to the pool with the lock
            self._connection = None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._follow()  # stop polling before another process may start
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                               {"key": lock_key(LOCK)})
                await self._connection.commit()
                await self._connection.close()
            self._connection = None
