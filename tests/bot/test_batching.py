"""The coalescer behind live tallies: one run per interval, and runs that land."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

from bot.ports import RetryLater
from bot.positions.batching import MAX_FAILURES, Coalescer


class Flaky:
    """An action that fails as told, then records what it saw."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0
        self.seen: list[int] = []
        self.state = 0

    async def __call__(self, key: Hashable) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.seen.append(self.state)


async def test_a_rate_limited_run_is_retried_after_the_named_wait() -> None:
    action = Flaky([RetryLater("429", seconds=0.05), RetryLater("429", seconds=0.05)])
    coalescer = Coalescer(interval=0.0, action=action)
    action.state = 7
    started = asyncio.get_running_loop().time()
    coalescer.touch("m")
    await coalescer.flush()
    assert action.calls == 3 and action.seen == [7]
    assert asyncio.get_running_loop().time() - started >= 0.1


async def test_other_failures_back_off_and_are_given_up_after_a_few() -> None:
    action = Flaky([ValueError("boom")] * (MAX_FAILURES + 1))
    coalescer = Coalescer(interval=0.0, action=action, first_backoff=0.001)
    coalescer.touch("m")
    await coalescer.flush()
    assert action.calls == MAX_FAILURES + 1 and action.seen == []
    coalescer.touch("m")  # the next change is tried afresh
    await coalescer.flush()
    assert action.seen == [0]


async def test_a_newer_touch_during_the_wait_replaces_the_retry() -> None:
    action = Flaky([RetryLater("429", seconds=0.05)])
    coalescer = Coalescer(interval=0.0, action=action)
    coalescer.touch("m")
    await asyncio.sleep(0.01)  # the first run was refused and waits
    action.state = 9
    coalescer.touch("m")  # a newer count: its run renders it
    await coalescer.flush()
    assert action.seen == [9] and action.calls == 2
