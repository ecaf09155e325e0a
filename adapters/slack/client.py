"""The Web API client: configurable base URL (GovSlack, Enterprise) and retry handlers."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def build_client(*, token: str, base_url: str, retries: int) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; 429s and 5xx are ours to add.
    # Bolt copies these handlers to the per-request clients it gives listeners.
    handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
        AsyncServerErrorRetryHandler(max_retry_count=retries),
    ]
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=handlers)
