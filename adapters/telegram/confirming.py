"""Answers that must not hold up an update: command replies and press confirmations.

An update's handler commits its effect and returns; what it says back goes out in the
background, through the rate limiter (which paces each chat and waits out a 429 with
Telegram's own Retry-After). So 100 /stellingen in one group wait in that group's lane —
twenty a minute — while a vote press behind them is recorded and confirmed at once, and the
next getUpdates offset (which waits for handlers, not for replies) is not held up either.

A confirmation whose call fails with a server error or a timeout is tried again a few times
(answering a press twice is harmless: Telegram refuses the second). A chat with more than
MAX_WAITING replies waiting gets no more until they are out: a flood costs its own chat
replies, never memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 4
BACKOFF_S = 0.2  # doubled per attempt: 0.2, 0.4, 0.8 s
MAX_WAITING = 200  # replies waiting for one chat


def worth_retrying(exc: BaseException) -> bool:
    """A 5xx (a plain NetworkError), a timeout, or a 429 the rate limiter gave up on; not a
    refusal (BadRequest, Forbidden: the same call would be refused again)."""
    return type(exc) is NetworkError or isinstance(exc, TimedOut | RetryAfter)


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS,
                       backoff_s: float = BACKOFF_S) -> T:
    for attempt in range(attempts):
        try:
            return await call()
        except (NetworkError, RetryAfter) as exc:
            if attempt == attempts - 1 or not worth_retrying(exc):
                raise
            wait = backoff_s * 2 ** attempt
            if isinstance(exc, RetryAfter):  # Telegram's own wait (a timedelta in PTB 22)
                after = exc.retry_after
                wait = max(wait, after.total_seconds() if isinstance(after, timedelta)
                           else float(after))
            log.info("Telegram answered %s to a reply: trying again in %.1f s",
                     type(exc).__name__, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


class ChatBacklog:
    """How many replies wait per chat; refuses more than MAX_WAITING for one chat."""

    def __init__(self, limit: int = MAX_WAITING) -> None:
        self._limit = limit
        self._waiting: dict[int, int] = {}

    def take(self, chat_id: int) -> bool:
        waiting = self._waiting.get(chat_id, 0)
        if waiting >= self._limit:
            return False
        self._waiting[chat_id] = waiting + 1
        return True

    def done(self, chat_id: int) -> None:
        left = self._waiting.get(chat_id, 1) - 1
        if left:
            self._waiting[chat_id] = left
        else:
            self._waiting.pop(chat_id, None)
