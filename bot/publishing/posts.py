"""Where statements were posted: a statement from a platform's message or poll reference, and
the messages to edit when a statement closes or reopens.

Telegram's poll answers name only the poll; the Post table (indexed on poll_id) maps them
back. Live tallies find every post of a statement in bot.publishing.tally_refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import ChannelTarget, PostRef
from bot.store.db import Database
from bot.store.models import Channel, Post, Statement


@dataclass(frozen=True, slots=True)
class PollPost:
    statement_key: str
    channel_external_id: str  # the chat the poll was sent to (its default layer applies)


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A statement's message in an active channel, as the gateway needs it to edit it."""

    post_id: int
    platform: str
    channel: ChannelTarget
    ref: PostRef


async def posted_messages(session: AsyncSession, *where: Any) -> list[PostedMessage]:
    """The messages (with a reference to edit) of the posts `where` selects, in channels
    that are still in the campaign."""
    rows = (await session.execute(
        select(Post.id, Post.message_ref, Post.poll_id, Channel.id.label("channel_id"),
               Channel.platform, Channel.external_id, Channel.answer_mode)
        .join(Channel, Channel.id == Post.channel_id)
        .where(Channel.active.is_(True), Post.message_ref.is_not(None), *where))).all()
    return [PostedMessage(row.id, row.platform,
                          ChannelTarget(id=row.channel_id, external_id=row.external_id,
                                        answer_mode=row.answer_mode),
                          PostRef(row.message_ref, row.poll_id)) for row in rows]


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
