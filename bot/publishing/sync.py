"""Bring the database in line with the settings: the campaign, its scale, its channels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
        for section in settings.platforms.values():
            for channel in section.channel_list():
                await _upsert_channel(session, c.id, section.name, channel.external_id(),
                                      channel.default_layer, list(channel.roles),
                                      channel.answer_style())


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
