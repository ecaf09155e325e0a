"""Slack's Web API rate limits as token buckets: per channel for chat.postMessage, per method
for the tiered methods. Over the limit the server answers 429 with a Retry-After header."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Tiers per https://api.slack.com/docs/rate-limits and each method's reference page.
# "special" methods have their own rules: chat.postMessage is limited per channel below;
# auth.test is documented as special and in practice generous.
METHOD_TIERS: Mapping[str, int | str] = MappingProxyType(
    {
        "auth.test": "special",
        "chat.postEphemeral": 4,
        "chat.update": 3,
        "users.info": 4,
        "users.lookupByEmail": 3,
        "conversations.info": 3,
        "conversations.history": 3,
        "conversations.open": 3,
        "files.getUploadURLExternal": 4,
        "files.completeUploadExternal": 4,
    }
)

TIER_PER_MINUTE: Mapping[int | str, int] = MappingProxyType(
    {1: 1, 2: 20, 3: 50, 4: 100, "special": 600}
)

POST_MESSAGE = "chat.postMessage"


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """How strict the emulator is. `scale` speeds up every refill (scale=60 grants a minute's
    allowance each second) so benchmarks can keep the real shape without waiting minutes."""

    post_message_per_second: float = 1.0
    # Slack tolerates short bursts above 1/s per channel; how many is undocumented.
    post_message_burst: int = 3
    scale: float = 1.0
    tier_per_minute: Mapping[int | str, int] = field(default_factory=lambda: TIER_PER_MINUTE)
    method_tiers: Mapping[str, int | str] = field(default_factory=lambda: METHOD_TIERS)


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take one token; return 0.0 if granted, else the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.per_second


class RateLimiter:
    """Decides per call whether Slack would answer 429, and with which Retry-After."""

    def __init__(
        self,
        *,
        policy: RateLimitPolicy | None = None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or RateLimitPolicy()
        self.enabled = enabled
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def check(self, method: str, *, channel: str | None = None) -> int | None:
        """Return None if the call may proceed, else the Retry-After value in whole seconds."""
        if not self.enabled:
            return None
        bucket = self._bucket(method, channel)
        if bucket is None:
            return None
        wait = bucket.take(self._clock())
        if wait <= 0.0:
            return None
        # Slack sends whole seconds and never 0 for a limited call.
        return max(1, math.ceil(wait))

    def reset(self) -> None:
        self._buckets.clear()

    def _bucket(self, method: str, channel: str | None) -> TokenBucket | None:
        key = (method, channel or "") if method == POST_MESSAGE else (method, "")
        bucket = self._buckets.get(key)
        if bucket is not None:
            return bucket
        policy = self.policy
        if method == POST_MESSAGE:
            capacity = float(policy.post_message_burst)
            per_second = policy.post_message_per_second * policy.scale
        else:
            tier = policy.method_tiers.get(method)
            if tier is None:
                return None
            per_minute = policy.tier_per_minute[tier]
            # A minute's allowance may be spent at once: Slack evaluates tiers per minute.
            capacity = float(per_minute)
            per_second = per_minute / 60.0 * policy.scale
        bucket = TokenBucket(capacity, per_second, capacity, self._clock())
        self._buckets[key] = bucket
        return bucket
