"""Start-up against a Telegram that is not answering: retried with back-off, never a crash.

getMe is the first call (`Application.initialize`). A 5xx or a timeout there means Telegram
(or a proxy in front of it) is unwell, not that the config is wrong: wait and try again,
doubling the wait up to MAX_WAIT_S, with a log line per attempt. A wrong token (401/404) is
a config error and is raised at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, InvalidToken, NetworkError

log = logging.getLogger(__name__)

FIRST_WAIT_S = 0.5
MAX_WAIT_S = 30.0


async def with_backoff(start: Callable[[], Awaitable[None]], *, what: str,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> int:
    """Run `start` until it succeeds; returns how many attempts failed first."""
    wait, failed = FIRST_WAIT_S, 0
    while True:
        try:
            await start()
            if failed:
                log.info("%s: Telegram answered after %d failed attempt(s)", what, failed)
            return failed
        except (InvalidToken, BadRequest):  # a wrong token or request: waiting will not help
            raise
        except NetworkError as exc:  # 5xx, timeouts, refused connections
            failed += 1
            log.warning("%s: Telegram is not answering (%s); retrying in %.1f s (attempt %d)",
                        what, exc.message, wait, failed + 1)
            await sleep(wait)
            wait = min(wait * 2, MAX_WAIT_S)
