"""What the emulator saw: one record per HTTP request, for assertions and benchmarks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One request. `method` is the Web API method ("chat.postMessage"), or "response_url" /
    "file_upload" for the non-API endpoints. `at` is time.monotonic() on arrival; `status` and
    `error` describe the answer the emulator gave."""

    method: str
    http_method: str
    path: str
    headers: Mapping[str, str]
    body: dict[str, Any]
    at: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None
