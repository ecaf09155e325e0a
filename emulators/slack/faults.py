"""Faults a test asks for: the next call(s) to a method fail the way Slack can fail."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fault:
    error: str
    status: int
    retry_after: int | None


class FaultPlan:
    """Queued faults per method, consumed in order, one per matching call."""

    def __init__(self) -> None:
        self._pending: dict[str, list[Fault]] = {}

    def add(
        self, method: str, *, error: str, status: int, times: int, retry_after: int | None
    ) -> None:
        if status == 429 and retry_after is None:
            retry_after = 1  # a 429 without Retry-After is not something Slack sends
        fault = Fault(error=error, status=status, retry_after=retry_after)
        self._pending.setdefault(method, []).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        queue = self._pending.get(method)
        if not queue:
            return None
        return queue.pop(0)

    def clear(self) -> None:
        self._pending.clear()
