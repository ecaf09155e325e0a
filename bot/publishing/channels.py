"""A channel's lifecycle: reached, unreachable (retried with back-off), removed from config.

The config is the source of truth for which channels belong to the campaign: one removed
from it gets nothing more (and comes back when it is listed again). A channel the platform
says the bot cannot post in is *unreachable*: it is tried again after 5 minutes, then ever
later (doubling, at most 6 hours), and comes back by itself as soon as the bot can post
there again — at a retry, or at once when the platform says the bot was added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from bot.clock import utc
from bot.store.db import Database
from bot.store.models import Channel, DigestRun, Post

REMOVED = "removed from the configuration"
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


def next_retry(failures: int, now: datetime) -> datetime:
    """After the n-th failure in a row: 5 min, 10, 20, … at most 6 hours."""
    wait: timedelta = min(FIRST_RETRY * 2 ** min(max(0, failures - 1), 16), LONGEST_RETRY)
    return now + wait


@dataclass(frozen=True, slots=True)
class ChannelState:
    id: int
    platform: str
    external_id: str
    state: str  # "reached", "unreachable" or "removed"
    reason: str | None
    failures: int
    retry_at: datetime | None
    last_success: datetime | None


async def mark_unreachable(db: Database, channel_id: int, reason: str, *,
                           now: datetime) -> None:
    async with db.transaction() as session:
        failures = int(await session.scalar(
            select(Channel.failures).where(Channel.id == channel_id)) or 0) + 1
        await session.execute(update(Channel).where(Channel.id == channel_id).values(
            active=False, inactive_reason=reason[:200], failures=failures,
            retry_at=next_retry(failures, now)))


async def mark_reached(db: Database, channel_id: int) -> bool:
    """Reachable again; False when it was not unreachable (reached, or removed)."""
    async with db.transaction() as session:
        changed = await session.execute(update(Channel).where(
            Channel.id == channel_id, Channel.active.is_(False),
            Channel.inactive_reason.is_distinct_from(REMOVED)).values(
            active=True, inactive_reason=None, failures=0, retry_at=None))
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def find_channel(db: Database, campaign_id: str, platform: str,
                       external_id: str) -> int | None:
    async with db.sessions() as session:
        return await session.scalar(select(Channel.id).where(
            Channel.campaign_id == campaign_id, Channel.platform == platform,
            Channel.external_id == external_id))


async def channel_states(db: Database, campaign_id: str) -> list[ChannelState]:
    last_post = (select(Post.channel_id, func.max(Post.posted_at).label("at"))
                 .group_by(Post.channel_id).subquery())
    last_digest = (select(DigestRun.channel_id, func.max(DigestRun.posted_at).label("at"))
                   .group_by(DigestRun.channel_id).subquery())
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Channel, last_post.c.at.label("post_at"), last_digest.c.at.label("digest_at"))
            .outerjoin(last_post, last_post.c.channel_id == Channel.id)
            .outerjoin(last_digest, last_digest.c.channel_id == Channel.id)
            .where(Channel.campaign_id == campaign_id)
            .order_by(Channel.platform, Channel.external_id))).all()
    states = []
    for channel, post_at, digest_at in rows:
        moments = [utc(m) for m in (post_at, digest_at) if m is not None]
        state = "reached" if channel.active else (
            "removed" if channel.inactive_reason == REMOVED else "unreachable")
        states.append(ChannelState(
            id=channel.id, platform=channel.platform, external_id=channel.external_id,
            state=state, reason=channel.inactive_reason, failures=channel.failures or 0,
            retry_at=utc(channel.retry_at) if channel.retry_at else None,
            last_success=max(moments) if moments else None))
    return states
