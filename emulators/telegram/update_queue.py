"""The updates waiting for the bot, and the two ways Telegram hands them over.

Telegram keeps undelivered updates in order, each with an increasing update_id, until the bot
confirms them: with getUpdates by asking for a higher offset, with a webhook by answering 2xx.
Waiters (a long poll, the webhook pusher) sleep on an event that every change replaces, so
producers can stay synchronous.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]

# Without allowed_updates Telegram sends every kind except these three.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True, kw_only=True)
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40


class UpdateQueue:
    def __init__(self, *, first_update_id: int = 700_000_001) -> None:
        self._pending: deque[JsonDict] = deque()
        self._ids = itertools.count(first_update_id)
        self._changed = asyncio.Event()
        self._allowed: frozenset[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.closed = False
        self.poll_generation = 0
        self.delivered_total = 0
        self.webhook_last_error: tuple[int, str] | None = None

    def push(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue one update of `kind` (the Update field name, e.g. "poll_answer")."""
        update = {"update_id": next(self._ids), kind: payload}
        self._pending.append(update)
        self.notify()
        return update

    @property
    def pending(self) -> tuple[JsonDict, ...]:
        return tuple(self._pending)

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """Telegram keeps the previous setting when the parameter is absent (None)."""
        if allowed is not None:
            self._allowed = frozenset(allowed) or None

    @property
    def allowed_updates(self) -> tuple[str, ...] | None:
        return tuple(sorted(self._allowed)) if self._allowed is not None else None

    def is_allowed(self, update: JsonDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
            self.delivered_total += 1

    def take(self, limit: int) -> list[JsonDict]:
        """The first `limit` deliverable updates, left in the queue until confirmed."""
        return list(itertools.islice(filter(self.is_allowed, self._pending), limit))

    def remove(self, update_id: int) -> None:
        """Confirm one update, as a 2xx webhook answer does."""
        for update in self._pending:
            if update["update_id"] == update_id:
                self._pending.remove(update)
                self.delivered_total += 1
                self.notify()
                return

    def drop_all(self) -> None:
        self._pending.clear()

    def begin_poll(self) -> int:
        """A new getUpdates call: an older one still waiting must end with 409 Conflict."""
        self.poll_generation += 1
        self.notify()
        return self.poll_generation

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Sleep until the queue or the webhook setting changes, or `seconds` pass."""
        if seconds <= 0:
            return
        event = self._changed
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # races with the event firing, and a stopping emulator would then hang.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()
