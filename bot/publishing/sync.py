"""Bring the database in line with the settings: the campaign, its scale, its channels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.publishing.channels import REMOVED
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.models import (
    Campaign,
    Channel,
    ScaleOptionRow,
)


async def sync_settings(db: Database, settings: Settings) -> None:
    """Campaign row, scale and channels from the config (idempotent)."""
    c = settings.campaign
    async with db.transaction() as session:
        campaign = await session.get(Campaign, c.id)
        if campaign is None:
            session.add(Campaign(id=c.id, name=c.name, paused=False))
        else:
            campaign.name = c.name
        existing = {
            row.key: row
            for row in await session.scalars(
                select(ScaleOptionRow).where(ScaleOptionRow.campaign_id == c.id)
            )
        }
        for position, option in enumerate(c.scale_options()):
            row = existing.get(option.key)
            if row is None:
                session.add(ScaleOptionRow(campaign_id=c.id, key=option.key,
                                           value=option.value, position=position))
            else:
                row.value, row.position = option.value, position
        await session.flush()
        listed: set[tuple[str, str]] = set()
        for section in settings.platforms.values():
            for channel in section.channel_list():
                listed.add((section.name, channel.external_id()))
                await _upsert_channel(session, c.id, section.name, channel.external_id(),
                                      channel.default_layer, list(channel.roles),
                                      channel.answer_style())
        # The config says which channels belong to the campaign: the rest get nothing more.
        known = await session.scalars(select(Channel).where(Channel.campaign_id == c.id))
        for stored in known:
            if (stored.platform, stored.external_id) not in listed and stored.active:
                stored.active, stored.inactive_reason, stored.retry_at = False, REMOVED, None


async def _upsert_channel(session: AsyncSession, campaign_id: str, platform: str,
                          external_id: str, default_layer: str | None, roles: list[str],
                          answer_mode: str) -> None:
    channel = await session.scalar(select(Channel).where(
        Channel.campaign_id == campaign_id, Channel.platform == platform,
        Channel.external_id == external_id))
    if channel is None:
        session.add(Channel(campaign_id=campaign_id, platform=platform, external_id=external_id,
                            default_layer=default_layer, roles=roles, answer_mode=answer_mode,
                            active=True))
    else:
        channel.default_layer, channel.roles = default_layer, roles
        channel.answer_mode = answer_mode
        if channel.inactive_reason == REMOVED:  # listed again
            channel.active, channel.inactive_reason, channel.failures = True, None, 0
