"""Bring the database in line with the settings and the catalogue.

Re-importing updates by key and never deletes: statements and positions stay; a changed
text of a statement that already has answers is kept as a revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings.catalogue import Catalogue
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.models import (
    Campaign,
    Channel,
    Position,
    ScaleOptionRow,
    Statement,
    StatementRevision,
    Theme,
)


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    kept_revisions: int
    unchanged: int


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


async def import_catalogue(db: Database, campaign_id: str, catalogue: Catalogue,
                           *, now: datetime) -> ImportReport:
    added = updated = kept = unchanged = 0
    async with db.transaction() as session:
        order = 0
        for theme_pos, entry in enumerate(catalogue.themes):
            theme = await session.scalar(select(Theme).where(
                Theme.campaign_id == campaign_id, Theme.key == entry.key))
            if theme is None:
                theme = Theme(campaign_id=campaign_id, key=entry.key, title=entry.title,
                              position=theme_pos)
                session.add(theme)
                await session.flush()
            else:
                theme.title, theme.position = entry.title, theme_pos
            for item in entry.statements:
                order += 1
                statement = await session.scalar(select(Statement).where(
                    Statement.campaign_id == campaign_id, Statement.key == item.key))
                if statement is None:
                    session.add(Statement(campaign_id=campaign_id, theme_id=theme.id,
                                          key=item.key, text=item.text, text_version=1,
                                          state="draft", position=order))
                    added += 1
                    continue
                statement.theme_id, statement.position = theme.id, order
                if statement.text == item.text:
                    unchanged += 1
                    continue
                answered = await session.scalar(select(func.count()).select_from(Position)
                                                .where(Position.statement_id == statement.id))
                if answered:
                    session.add(StatementRevision(statement_id=statement.id,
                                                  text_version=statement.text_version,
                                                  text=statement.text, replaced_at=now))
                    kept += 1
                statement.text = item.text
                statement.text_version += 1
                updated += 1
    return ImportReport(added=added, updated=updated, kept_revisions=kept, unchanged=unchanged)
