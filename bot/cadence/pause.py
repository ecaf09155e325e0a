"""Pausing a campaign: the schedule keeps ticking but opens, closes, reminds and posts nothing.

The flag lives in the database, so `positie pause` on one machine stops every process.
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot.store.db import Database
from bot.store.models import Campaign
from bot.texts import Texts


async def set_paused(db: Database, campaign_id: str, paused: bool) -> bool:
    """Returns whether anything changed (False: it already was so)."""
    async with db.transaction() as session:
        changed = await session.execute(update(Campaign).where(
            Campaign.id == campaign_id, Campaign.paused.is_not(paused)).values(paused=paused))
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def is_paused(db: Database, campaign_id: str) -> bool:
    async with db.sessions() as session:
        return bool(await session.scalar(select(Campaign.paused).where(
            Campaign.id == campaign_id)))


def pause_reply(paused: bool, changed: bool, texts: Texts) -> str:
    if paused:
        return (texts.gettext("The campaign is paused: no statements, reminders or digests "
                              "go out until it is resumed.") if changed else
                texts.gettext("The campaign was already paused."))
    return (texts.gettext("The campaign is resumed: the schedule runs again from its next "
                          "moment.") if changed else
            texts.gettext("The campaign was not paused."))
