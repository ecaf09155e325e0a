"""The Web API client: configurable base URL (GovSlack, Enterprise) and retry handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

# slack_sdk's own server-error handler retries only 500 and 503; a gateway in front of Slack
# (or GovSlack) answers 502 and 504 as well.
SERVER_ERRORS = frozenset({500, 502, 503, 504})


class ServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retries every transient server error (500, 502, 503, 504) with slack_sdk's back-off."""

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


class CountingRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After, then retries), telling someone each time."""

    def __init__(self, *, max_retry_count: int, on_rate_limited: Callable[[], None]) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._on_rate_limited = on_rate_limited

    async def can_retry_async(self, *, state: Any, request: Any, response: Any = None,
                              error: Any = None) -> bool:
        if response is not None and response.status_code == 429:  # retried or not
            self._on_rate_limited()
        return bool(await super().can_retry_async(state=state, request=request,
                                                  response=response, error=error))


def build_client(*, token: str, base_url: str, retries: int,
                 session: aiohttp.ClientSession | None = None,
                 on_rate_limited: Callable[[], None] | None = None) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; 429s and 5xx are ours to add.
    # Bolt copies these handlers to the per-request clients it gives listeners.
    rate_limits: AsyncRetryHandler = (
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries) if on_rate_limited is None
        else CountingRateLimitRetryHandler(max_retry_count=retries,
                                           on_rate_limited=on_rate_limited))
    handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        rate_limits,
        ServerErrorRetryHandler(max_retry_count=retries),
    ]
    # Without a session slack_sdk opens a new connection per call; one shared session reuses
    # connections (keep-alive), which matters at hundreds of calls per second.
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=handlers,
                          session=session)
