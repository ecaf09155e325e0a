"""Telegram's flood limits for bots, enforced the way Telegram answers them: 429 + retry_after.

Telegram does not publish exact numbers; the community-documented ones are about 30 messages a
second overall, one a second per chat and twenty a minute per group. They are modelled as
sliding windows. Benchmarks keep them on so a bot's throttling is measured against the real
constraint; scenario tests turn them off (`RateLimitPolicy.off()`) or shrink time with
`time_scale`. The counters let a benchmark compute the shortest run the limits allow.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Methods that put a message in a chat or change one; edits count because Telegram throttles
# a bot that re-edits a tally message on every vote just as it throttles sends.
LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPoll",
        "sendPhoto",
        "sendDocument",
        "forwardMessage",
        "copyMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "stopPoll",
    }
)


@dataclass(frozen=True, kw_only=True)
class Window:
    """At most `limit` calls in any `period_s` seconds."""

    limit: int
    period_s: float


@dataclass(frozen=True, kw_only=True)
class RateLimitPolicy:
    enabled: bool = True
    overall: Window = Window(limit=30, period_s=1.0)
    per_chat: Window = Window(limit=1, period_s=1.0)
    per_group: Window = Window(limit=20, period_s=60.0)
    # Multiplies every period: 0.01 turns the group minute into 0.6 s for a quick test.
    time_scale: float = 1.0
    methods: frozenset[str] = field(default=LIMITED_METHODS)

    @classmethod
    def off(cls) -> RateLimitPolicy:
        return cls(enabled=False)


def is_group_target(chat_id: int | str) -> bool:
    # Negative ids are groups, supergroups and channels; "@name" targets are public
    # groups or channels. This is the same split python-telegram-bot's AIORateLimiter makes.
    return isinstance(chat_id, str) or chat_id < 0


class RateLimiter:
    """Sliding-window flood control plus the counters a benchmark needs."""

    def __init__(
        self, *, policy: RateLimitPolicy, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._overall: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = {}
        self._per_group: dict[int | str, deque[float]] = {}
        self.sent_per_chat: Counter[int | str] = Counter()
        self.rejected_per_chat: Counter[int | str] = Counter()

    @property
    def sent_total(self) -> int:
        return sum(self.sent_per_chat.values())

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected_per_chat.values())

    def applies_to(self, method: str) -> bool:
        return self.policy.enabled and method in self.policy.methods

    def retry_after(self, chat_id: int | str | None) -> int | None:
        """Seconds to wait if a call to `chat_id` now would exceed a limit, else None.

        Checking does not count the call: only `record` does, after the call succeeded, so a
        request refused for another reason (chat not found) does not use up the quota.
        """
        now = self._clock()
        waits = [self._wait(self._overall, self.policy.overall, now)]
        if chat_id is not None:
            waits.append(self._wait(self._per_chat.get(chat_id), self.policy.per_chat, now))
            if is_group_target(chat_id):
                waits.append(self._wait(self._per_group.get(chat_id), self.policy.per_group, now))
        wait = max(waits)
        if wait <= 0:
            return None
        if chat_id is not None:
            self.rejected_per_chat[chat_id] += 1
        # Telegram answers whole seconds, at least one.
        return max(1, math.ceil(wait))

    def record(self, chat_id: int | str | None) -> None:
        now = self._clock()
        self._overall.append(now)
        if chat_id is None:
            return
        self.sent_per_chat[chat_id] += 1
        self._per_chat.setdefault(chat_id, deque()).append(now)
        if is_group_target(chat_id):
            self._per_group.setdefault(chat_id, deque()).append(now)

    def minimum_duration_s(self) -> float:
        """The shortest time in which the recorded sends could have been made legally.

        With a window of L calls per P seconds, n calls need at least ((n - 1) // L) * P:
        L at once, the next L one period later, and so on.
        """
        bounds = [_span(self.sent_total, self.policy.overall)]
        for chat_id, sent in self.sent_per_chat.items():
            bounds.append(_span(sent, self.policy.per_chat))
            if is_group_target(chat_id):
                bounds.append(_span(sent, self.policy.per_group))
        return max(bounds) * self.policy.time_scale

    def _wait(self, stamps: deque[float] | None, window: Window, now: float) -> float:
        if not stamps:
            return 0.0
        period = window.period_s * self.policy.time_scale
        while stamps and stamps[0] <= now - period:
            stamps.popleft()
        if len(stamps) < window.limit:
            return 0.0
        return stamps[-window.limit] + period - now


def _span(count: int, window: Window) -> float:
    return ((count - 1) // window.limit) * window.period_s if count > 0 else 0.0
