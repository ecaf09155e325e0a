"""Where statements were posted: find a statement from a platform's message or poll reference.

Telegram's poll answers name only the poll; the Post table (indexed on poll_id) maps them
back. Live tallies find every post of a statement in bot.publishing.tally_refresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import Channel, Post, Statement


@dataclass(frozen=True, slots=True)
class PollPost:
    statement_key: str
    channel_external_id: str  # the chat the poll was sent to (its default layer applies)


async def find_poll(db: Database, campaign_id: str, poll_id: str) -> PollPost | None:
    async with db.sessions() as session:
        row = (await session.execute(
            select(Statement.key, Channel.external_id)
            .join(Post, Post.statement_id == Statement.id)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Post.poll_id == poll_id, Statement.campaign_id == campaign_id))).first()
    return None if row is None else PollPost(row.key, row.external_id)


async def statement_posted_at(db: Database, campaign_id: str, *, platform: str,
                              channel_external_id: str, message_ref: str) -> str | None:
    """The key of the statement whose post this message is, in a campaign channel."""
    async with db.sessions() as session:
        return await session.scalar(
            select(Statement.key)
            .join(Post, Post.statement_id == Statement.id)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Channel.campaign_id == campaign_id, Channel.platform == platform,
                   Channel.external_id == channel_external_id,
                   Post.message_ref == message_ref))
