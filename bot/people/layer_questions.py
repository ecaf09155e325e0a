"""One layer question per group and statement, across processes and restarts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, literal, select

from bot.store.db import Database
from bot.store.models import Channel, LayerQuestion, Statement
from bot.store.upsert import insert_for


async def claim_layer_question(db: Database, campaign_id: str, *, platform: str,
                               channel_external_id: str, statement_key: str,
                               now: datetime) -> bool:
    """True for the one caller that should ask this group about this statement; False
    when it was asked before (by any process) or the chat or statement is not the
    campaign's."""
    source = (
        select(Channel.id, Statement.id, literal(now, DateTime(timezone=True)))
        .join(Statement, Statement.campaign_id == Channel.campaign_id)
        .where(Channel.campaign_id == campaign_id, Channel.platform == platform,
               Channel.external_id == channel_external_id, Statement.key == statement_key))
    async with db.transaction() as session:
        claimed = await session.execute(
            insert_for(db.dialect, LayerQuestion)
            .from_select(["channel_id", "statement_id", "asked_at"], source)
            .on_conflict_do_nothing())
    return bool(claimed.rowcount)  # type: ignore[attr-defined]
