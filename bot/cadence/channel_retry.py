"""Trying unreachable channels again: when due (back-off), or now when an admin asks.

A channel the bot may post in again is marked reached and gets the open statements it
missed; one it still cannot post in waits longer (bot.publishing.channels.next_retry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from bot.ports import ChannelTarget, ChatGateway, Check
from bot.publishing.channels import (
    ChannelState,
    channel_states,
    mark_reached,
    mark_unreachable,
)
from bot.store.db import Database


async def retry_unreachable(db: Database, gateways: Mapping[str, ChatGateway],
                            campaign_id: str, *, now: datetime, only: str | None,
                            reached: Callable[[], Awaitable[object]]
                            ) -> list[tuple[ChannelState, Check]]:
    states = await channel_states(db, campaign_id)
    due = [c for c in states if c.state == "unreachable" and (
        c.external_id == only if only is not None
        else c.retry_at is None or c.retry_at <= now)]
    tried = []
    for channel in due:
        gateway = gateways.get(channel.platform)
        if gateway is None:
            continue
        target = ChannelTarget(id=channel.id, external_id=channel.external_id,
                               answer_mode="buttons")
        try:
            check = await gateway.can_post(target)
        except Exception as exc:  # the platform itself failed: try again later
            check = Check(channel.external_id, False, f"could not ask ({exc})")
        if check.ok:
            if await mark_reached(db, channel.id):
                await reached()
        else:
            await mark_unreachable(db, channel.id, check.detail, now=now)
        tried.append((channel, check))
    return tried
