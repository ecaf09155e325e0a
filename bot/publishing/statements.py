"""Open and close statements in the campaign's channels.

Each (statement, channel) post is claimed under a unique constraint before it is sent, so
two processes or a rerun never post a statement twice into one channel. A transient failure
leaves the claim pending for `retry_pending_posts`; a channel the bot cannot reach is
marked inactive and skipped, and nothing else stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import StatementState, StatementView
from bot.ports import ChannelTarget, ChannelUnavailable, ChatGateway, PostRef
from bot.publishing.channels import mark_unreachable
from bot.store.db import Database
from bot.store.models import Channel, Post, Statement
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

# How many channels per platform are posted to at once; gateways pace themselves to the
# platform's limits.
FANOUT_CONCURRENCY = 64
# A post claimed for sending but never marked sent (the process died) is retried after this.
SEND_LEASE = timedelta(minutes=10)


class StatementNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    posted: int
    pending: int
    unavailable: int
    reopened: int = 0  # earlier messages that got their answer buttons back


async def _statement(session: AsyncSession, campaign_id: str, key: str) -> Statement:
    statement = await session.scalar(select(Statement).where(
        Statement.campaign_id == campaign_id, Statement.key == key))
    if statement is None:
        raise StatementNotFound(key)
    return statement


async def open_statement(db: Database, gateways: Mapping[str, ChatGateway], *,
                         campaign_id: str, key: str, view: StatementView,
                         now: datetime) -> DeliveryReport:
    async with db.transaction() as session:
        statement = await _statement(session, campaign_id, key)
        if statement.state != StatementState.OPEN:
            statement.state, statement.opened_at, statement.closed_at = "open", now, None
        channels = (await session.execute(select(Channel.id, Channel.roles).where(
            Channel.campaign_id == campaign_id, Channel.active.is_(True),
            Channel.platform.in_(list(gateways))))).all()
        statement_id = statement.id
        claims = [{"statement_id": statement_id, "channel_id": channel_id, "status": "pending",
                   "attempts": 0} for channel_id, roles in channels
                  if "statements" in (roles or [])]
        if claims:  # one statement for all channels: a thousand chats are one round trip
            await session.execute(insert_for(db.dialect, Post).on_conflict_do_nothing(), claims)
    return await deliver_pending(db, gateways, statement_id=statement_id, view=view, now=now)


async def deliver_pending(db: Database, gateways: Mapping[str, ChatGateway], *,
                          statement_id: int, view: StatementView,
                          now: datetime) -> DeliveryReport:
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Post.id, Channel.id.label("channel_id"), Channel.platform,
                   Channel.external_id, Channel.answer_mode)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Post.statement_id == statement_id, _claimable(now),
                   Channel.active.is_(True)))).all()
    # One limit per platform: a platform that paces itself (Telegram's 30 messages a second)
    # must not hold the others' posts behind its queue, nor they its.
    semaphores = {row.platform: asyncio.Semaphore(FANOUT_CONCURRENCY) for row in rows}

    async def deliver(row: Any) -> str:
        async with semaphores[row.platform]:
            return await _deliver_one(db, gateways, row, view, now)

    outcomes = await asyncio.gather(*(deliver(row) for row in rows))
    return DeliveryReport(posted=outcomes.count("posted"), pending=outcomes.count("pending"),
                          unavailable=outcomes.count("unavailable"))


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending, or claimed by a process that died mid-send longer than the lease ago."""
    return or_(Post.status == "pending",
               and_(Post.status == "sending", Post.claimed_at < now - SEND_LEASE))


async def _deliver_one(db: Database, gateways: Mapping[str, ChatGateway], row: object,
                       view: StatementView, now: datetime) -> str:
    post_id, channel_id = row.id, row.channel_id  # type: ignore[attr-defined]
    platform, external_id = row.platform, row.external_id  # type: ignore[attr-defined]
    target = ChannelTarget(id=channel_id, external_id=external_id,
                           answer_mode=row.answer_mode)  # type: ignore[attr-defined]
    # Only one process sends a given post: the claim flips pending -> sending atomically.
    async with db.transaction() as session:
        claimed = await session.execute(update(Post).where(Post.id == post_id, _claimable(now))
                                        .values(status="sending", claimed_at=now))
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        return "elsewhere"
    try:
        ref = await gateways[platform].post_statement(target, view)
    except ChannelUnavailable as exc:
        log.error("%s channel %s is unavailable (%s); statement %s not posted there. Add the "
                  "bot to it: positie tries again by itself (`positie channels` shows when) "
                  "and posts what it missed; `positie channels retry %s` tries now.",
                  platform, external_id, exc, view.key, external_id)
        await mark_channel_inactive(db, channel_id, str(exc), now=now)
        await _release(db, post_id, str(exc))
        return "unavailable"
    except Exception as exc:  # kept for retry whatever the cause; nothing is dropped
        log.warning("posting statement %s to %s channel %s failed (%s); kept for retry",
                    view.key, platform, external_id, exc)
        await _release(db, post_id, str(exc))
        return "pending"
    async with db.transaction() as session:
        await session.execute(update(Post).where(Post.id == post_id).values(
            status="posted", message_ref=ref.message_ref, poll_id=ref.poll_id,
            attempts=Post.attempts + 1, posted_at=now, last_error=None))
    return "posted"


async def _release(db: Database, post_id: int, error: str) -> None:
    async with db.transaction() as session:
        await session.execute(update(Post).where(Post.id == post_id).values(
            status="pending", attempts=Post.attempts + 1, last_error=error[:300]))


async def mark_channel_inactive(db: Database, channel_id: int, reason: str, *,
                                now: datetime) -> None:
    """Unreachable: skipped until a retry or the platform says the bot may post again."""
    await mark_unreachable(db, channel_id, reason, now=now)


async def close_statement(db: Database, gateways: Mapping[str, ChatGateway], *,
                          campaign_id: str, key: str, view: StatementView,
                          now: datetime) -> int:
    """Close for answers and mark each post closed; returns the posts updated."""
    async with db.transaction() as session:
        statement = await _statement(session, campaign_id, key)
        if statement.state != StatementState.RETIRED:  # a retired one stays retired
            statement.state = StatementState.CLOSED
        statement.closed_at = now
        posts = (await session.execute(
            select(Post.message_ref, Post.poll_id, Channel.id, Channel.platform,
                   Channel.external_id, Channel.answer_mode)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Post.statement_id == statement.id, Post.status == "posted",
                   Channel.active.is_(True)))).all()
    updated = 0
    for post in posts:
        gateway = gateways.get(post.platform)
        if gateway is None or post.message_ref is None:
            continue
        target = ChannelTarget(id=post.id, external_id=post.external_id,
                               answer_mode=post.answer_mode)
        try:
            await gateway.close_statement(target, PostRef(post.message_ref, post.poll_id), view)
            updated += 1
        except Exception as exc:  # the statement is closed for answers regardless
            log.warning("could not mark statement %s closed in %s channel %s: %s",
                        key, post.platform, post.external_id, exc)
    return updated
