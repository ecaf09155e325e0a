"""When unreachable channels are tried again: every minute, those whose back-off is over
(what a retry does is bot.cadence.channel_retry's business)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.service import CampaignService

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60.0


async def retry_channels_until(stop: asyncio.Event, service: CampaignService, *,
                               interval: float = INTERVAL_SECONDS) -> None:
    while not stop.is_set():
        try:
            for channel, check in await service.retry_channels():
                log.info("%s channel %s: %s", channel.platform, channel.external_id,
                         "reachable again" if check.ok else f"still unreachable ({check.detail})")
        except Exception:  # a failed round must not end the retries
            log.exception("retrying unreachable channels failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
