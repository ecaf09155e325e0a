"""Pacing to Telegram's flood limits, and waiting out a 429 when one comes anyway.

Telegram's limits (community-documented): about 30 messages a second overall, one a second
per chat and twenty a minute per group, each over any window of that length. The bundled
AIORateLimiter models them as leaky buckets, which let a burst through that a sliding window
refuses (twenty messages into one group at once, thirty plus the refill in the first second),
has no per-chat limit, and halts *every* request while one 429 is waited out. Here each chat
has a lane (its messages go out in order, at its own pace) and all lanes share the overall
window, so one busy group never holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` messages in any `seconds`."""

    count: int
    seconds: float


OVERALL = Limit(30, 1.0)
PER_CHAT = Limit(1, 1.0)
PER_GROUP = Limit(20, 60.0)
# Lanes kept before idle ones are swept (memory stays flat with many chats).
MAX_IDLE_LANES = 4096
# First wait after a server error; doubled on each further attempt.
SERVER_ERROR_BACKOFF_S = 0.5


class _Window:
    """Sends that still count against a limit: those in flight, and those answered less than
    a period ago.

    Counting from the moment the answer arrives (not the moment of sending) is what makes
    this exact whatever the network does: Telegram counts a message at some moment between
    the two, so a send allowed here is allowed there, with no safety margin to guess.
    """

    def __init__(self, limit: Limit, period: float) -> None:
        self._count = limit.count
        self._period = period
        self._answered: deque[float] = deque()
        self._in_flight = 0

    def wait(self, now: float) -> float | None:
        """Seconds until one more send fits; None when only an answer in flight can free
        room (when, nobody knows yet)."""
        while self._answered and self._answered[0] <= now - self._period:
            self._answered.popleft()
        excess = self._in_flight + len(self._answered) - self._count + 1
        if excess <= 0:
            return 0.0
        if excess > len(self._answered):
            return None
        return self._answered[excess - 1] + self._period - now

    def start(self) -> None:
        self._in_flight += 1

    def finish(self, now: float) -> None:
        self._in_flight -= 1
        self._answered.append(now)

    @property
    def idle(self) -> bool:
        return self._in_flight == 0 and not self._answered


class _Lane:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0
        self.windows: list[_Window] = []


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Sliding windows per chat, per group and overall; 429s retried up to `max_retries`.

    `time_scale` shrinks every window for tests and benchmarks against an emulator that
    scales its limits the same way; `margin_s` widens them (0: the counting is exact).
    """

    def __init__(self, *, max_retries: int = 3, overall: Limit = OVERALL,
                 per_chat: Limit = PER_CHAT, per_group: Limit = PER_GROUP,
                 margin_s: float = 0.0, time_scale: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 on_rate_limited: Callable[[], None] | None = None) -> None:
        self._max_retries = max_retries
        self._on_rate_limited = on_rate_limited
        self._per_chat = per_chat
        self._per_group = per_group
        self._scale = time_scale
        self._margin = margin_s
        self._monotonic = monotonic
        self._overall = _Window(overall, self._period(overall))
        self._overall_lock = asyncio.Lock()
        self._answer = asyncio.Event()  # replaced after every answer: wakes overall waiters
        self._lanes: dict[int | str, _Lane] = {}

    def _period(self, limit: Limit) -> float:
        return limit.seconds * self._scale + self._margin

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat = _chat_key(data.get("chat_id"))
        if chat is None:  # answerCallbackQuery, setMyCommands, getMe: not a message to a chat
            return await self._with_retries(callback, args, kwargs, endpoint, retries, None)
        lane = self._lane(chat)
        lane.users += 1
        try:
            async with lane.lock:  # one chat's messages leave in order, one at a time
                return await self._with_retries(callback, args, kwargs, endpoint, retries,
                                                (chat, lane))
        finally:
            lane.users -= 1

    def _lane(self, chat: int | str) -> _Lane:
        lane = self._lanes.get(chat)
        if lane is None:
            if len(self._lanes) >= MAX_IDLE_LANES:
                self._forget_idle_lanes()
            lane = self._lanes[chat] = _Lane()
            lane.windows.append(_Window(self._per_chat, self._period(self._per_chat)))
            if _is_group(chat):
                lane.windows.append(_Window(self._per_group, self._period(self._per_group)))
        return lane

    def _forget_idle_lanes(self) -> None:
        """Drop chats nobody is sending to whose windows have all passed."""
        now = self._monotonic()
        for chat, lane in list(self._lanes.items()):
            if lane.users == 0 and all(w.wait(now) == 0 and w.idle for w in lane.windows):
                del self._lanes[chat]

    async def _with_retries(self, callback: Callable[..., Coroutine[Any, Any, JSONResult]],
                            args: Any, kwargs: dict[str, Any], endpoint: str, retries: int,
                            target: tuple[int | str, _Lane] | None) -> JSONResult:
        for attempt in range(retries + 1):
            if target is not None:
                await self._take_turn(target[1])
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if self._on_rate_limited is not None:
                    self._on_rate_limited()
                if attempt == retries:
                    raise
                seconds = _seconds(exc.retry_after)
                log.info("Telegram asked to slow down (%s to chat %s): retrying in %.1f s",
                         endpoint, target[0] if target else "-", seconds)
                await asyncio.sleep(seconds + 0.1)
            except NetworkError as exc:
                # A 5xx (500, 502, 503, 504 arrive as NetworkError) or a refused connection:
                # retried with back-off. A timeout is not: the call may have arrived, and the
                # outbox decides what to do with an uncertain message. Nor is a 400
                # (BadRequest is a NetworkError too): asking again gets the same answer.
                if isinstance(exc, TimedOut | BadRequest) or attempt == retries:
                    raise
                seconds = SERVER_ERROR_BACKOFF_S * 2 ** attempt
                log.info("Telegram answered %s (%s to chat %s): retrying in %.1f s",
                         exc.message, endpoint, target[0] if target else "-", seconds)
                await asyncio.sleep(seconds)
            finally:
                if target is not None:
                    self._finish(target[1])
        raise AssertionError("unreachable")

    async def _take_turn(self, lane: _Lane) -> None:
        """Wait until a message fits the chat's windows and the overall one; count it."""
        # The lane's lock is held, so nothing else is in flight to this chat: a number.
        wait = max(w.wait(self._monotonic()) or 0.0 for w in lane.windows)
        if wait > 0:
            await asyncio.sleep(wait)
        async with self._overall_lock:  # first come, first served across chats
            while (pause := self._overall.wait(self._monotonic())) != 0:
                answered = self._answer
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pause):  # None: until the next answer
                        await answered.wait()
            self._overall.start()
            for window in lane.windows:
                window.start()

    def _finish(self, lane: _Lane) -> None:
        now = self._monotonic()
        self._overall.finish(now)
        for window in lane.windows:
            window.finish(now)
        self._answer.set()
        self._answer = asyncio.Event()


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    return int(text) if text.lstrip("-").isdigit() else text


def _is_group(chat: int | str) -> bool:
    # Negative ids are groups, supergroups and channels; "@name" is a public group or channel.
    return isinstance(chat, str) or chat < 0


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]
