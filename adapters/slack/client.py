"""The Web API client: configurable base URL (GovSlack, Enterprise) and retry handlers."""

from __future__ import annotations

import aiohttp
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


def build_client(*, token: str, base_url: str, retries: int,
                 session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; 429s and 5xx are ours to add.
    # Bolt copies these handlers to the per-request clients it gives listeners.
    handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
        ServerErrorRetryHandler(max_retry_count=retries),
    ]
    # Without a session slack_sdk opens a new connection per call; one shared session reuses
    # connections (keep-alive), which matters at hundreds of calls per second.
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=handlers,
                          session=session)
