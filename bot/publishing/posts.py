"""Where statements were posted: find a statement from a platform's message or poll reference.

Telegram's poll answers name only the poll, and its button presses only the chat and message;
the Post table (indexed on poll_id and on (channel, message_ref)) maps them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun, Post, Statement


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
    """The key of the statement whose post is this message, or None (a digest, a reply)."""
    async with db.sessions() as session:
        return await session.scalar(
            select(Statement.key)
            .join(Post, Post.statement_id == Statement.id)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Channel.campaign_id == campaign_id, Channel.platform == platform,
                   Channel.external_id == channel_external_id,
                   Post.message_ref == message_ref))


async def digest_message_at(db: Database, campaign_id: str, *, platform: str,
                            channel_external_id: str, message_ref: str) -> bool:
    """Whether this message is a part of a digest positie posted in a campaign channel
    (digests carry answer buttons for the statement they invite answers to)."""
    async with db.sessions() as session:
        found = await session.scalar(
            select(DigestPart.id)
            .join(DigestRun, DigestRun.id == DigestPart.run_id)
            .join(Channel, Channel.id == DigestRun.channel_id)
            .where(Channel.campaign_id == campaign_id, Channel.platform == platform,
                   Channel.external_id == channel_external_id,
                   DigestPart.message_ref == message_ref).limit(1))
    return found is not None
