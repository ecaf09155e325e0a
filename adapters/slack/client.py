"""The Web API client: configurable base URL (GovSlack, Enterprise) and retry handlers."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def build_client(*, token: str, base_url: str, retries: int,
                 session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; 429s and 5xx are ours to add.
    # Bolt copies these handlers to the per-request clients it gives listeners.
    handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
        AsyncServerErrorRetryHandler(max_retry_count=retries),
    ]
    # Without a session slack_sdk opens a new connection per call; one shared session reuses
    # connections (keep-alive), which matters at hundreds of calls per second.
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=handlers,
                          session=session)
