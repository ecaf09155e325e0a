"""Whether a scheduled digest has anything to say: an empty one is not worth a message.

News since the previous digest is any position taken, changed or withdrawn, or a statement
opened or closed. Before the first digest: any position at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, or_, select

from bot.clock import utc
from bot.store.db import Database
from bot.store.models import DigestSnapshot, PositionEvent, Statement


async def last_digest_at(db: Database, campaign_id: str) -> datetime | None:
    async with db.sessions() as session:
        latest = await session.scalar(select(func.max(DigestSnapshot.created_at)).where(
            DigestSnapshot.campaign_id == campaign_id))
    return None if latest is None else utc(latest)


async def has_news(db: Database, campaign_id: str) -> bool:
    since = await last_digest_at(db, campaign_id)
    in_campaign = select(Statement.id).where(Statement.campaign_id == campaign_id)
    events = PositionEvent.statement_id.in_(in_campaign)
    if since is None:
        query = select(exists().where(events))
    else:
        moved = exists().where(events, PositionEvent.recorded_at > since)
        turned = exists().where(Statement.campaign_id == campaign_id,
                                or_(Statement.opened_at > since, Statement.closed_at > since))
        query = select(or_(moved, turned))
    async with db.sessions() as session:
        return bool(await session.scalar(query))
