"""Open and close statements in the campaign's channels.

Each (statement, channel) post is an outbox row, claimed under a unique constraint before
it is sent, so two processes or a rerun never post a statement twice into one channel. A
transient failure leaves the row pending for the next run; a row a dead process left in
"sending" is taken over at once (looked up first where the platform can tell whether it
arrived); a channel the bot cannot reach is marked unreachable and skipped, and nothing
else stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import StatementState, StatementView
from bot.ports import ChannelTarget, ChannelUnavailable, ChatGateway, PostRef
from bot.publishing.channels import mark_unreachable
from bot.publishing.lease import ProcessLease
from bot.publishing.outbox import (
    UNSURE,
    Seen,
    claim,
    find_earlier,
    held_elsewhere,
    is_uncertain,
    new_delivery_key,
    released_status,
)
from bot.publishing.posts import posted_messages
from bot.store.db import Database
from bot.store.models import Channel, Post, Statement
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)


class StatementNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    posted: int  # settled by this run (sent, or found already delivered)
    pending: int  # kept for retry: a transient failure, or it could not be checked
    unavailable: int  # in a channel marked unreachable
    reopened: int = 0  # earlier messages that got their answer buttons back
    already: int = 0  # posted by an earlier run
    resumed: int = 0  # taken over from a process that died while sending
    found: int = 0  # of those settled: an earlier attempt had arrived, not sent again
    resent: int = 0  # of those settled: sent again without a way to check (may show twice)
    elsewhere: int = 0  # being sent by another live process right now

    @property
    def unsettled(self) -> int:
        return self.pending + self.unavailable + self.elsewhere


async def _statement(session: AsyncSession, campaign_id: str, key: str) -> Statement:
    statement = await session.scalar(select(Statement).where(
        Statement.campaign_id == campaign_id, Statement.key == key))
    if statement is None:
        raise StatementNotFound(key)
    return statement


async def open_statement(db: Database, gateways: Mapping[str, ChatGateway], *,
                         lease: ProcessLease, campaign_id: str, key: str,
                         view: StatementView, now: datetime) -> DeliveryReport:
    async with db.transaction() as session:
        statement = await _statement(session, campaign_id, key)
        if statement.state != StatementState.OPEN:
            statement.state, statement.opened_at, statement.closed_at = "open", now, None
        channels = (await session.execute(select(Channel.id, Channel.roles).where(
            Channel.campaign_id == campaign_id, Channel.active.is_(True),
            Channel.platform.in_(list(gateways))))).all()
        statement_id = statement.id
        claims = [{"statement_id": statement_id, "channel_id": channel_id, "status": "pending",
                   "attempts": 0, "delivery_key": new_delivery_key()}
                  for channel_id, roles in channels if "statements" in (roles or [])]
        if claims:  # one statement for all channels: a thousand chats are one round trip
            await session.execute(insert_for(db.dialect, Post).on_conflict_do_nothing(), claims)
    return await deliver_pending(db, gateways, lease=lease, statement_id=statement_id,
                                 view=view, now=now)


async def deliver_pending(db: Database, gateways: Mapping[str, ChatGateway], *,
                          lease: ProcessLease, statement_id: int, view: StatementView,
                          now: datetime) -> DeliveryReport:
    me = await lease.acquire()
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Post.id, Post.status, Post.owner, Post.attempts, Post.delivery_key,
                   Channel.id.label("channel_id"), Channel.platform, Channel.external_id,
                   Channel.answer_mode, Channel.active)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Post.statement_id == statement_id,
                   Channel.platform.in_(list(gateways))))).all()
    live = await lease.live_owners()
    outcomes: list[str] = []
    todo = []
    for row in rows:
        if row.status == "posted":
            outcomes.append("already")
        elif not row.active:
            outcomes.append("unavailable")
        elif held_elsewhere(Seen(row.id, row.status, row.owner, row.attempts), live, me):
            outcomes.append("elsewhere")
        else:
            todo.append(row)
    # One limit per platform, the gateway's: rows wait for a slot unclaimed, so a crash
    # leaves at most that many calls uncertain; and a platform that paces itself
    # (Telegram's 30 messages a second) does not hold the others' posts behind its queue.
    semaphores = {row.platform: asyncio.Semaphore(gateways[row.platform].in_flight_limit)
                  for row in todo}

    async def deliver(row: Any) -> list[str]:
        async with semaphores[row.platform]:
            return await _deliver_one(db, gateways[row.platform], row, view, me, now)

    for found in await asyncio.gather(*(deliver(row) for row in todo)):
        outcomes.extend(found)
    return DeliveryReport(
        posted=outcomes.count("posted"), pending=outcomes.count("pending"),
        unavailable=outcomes.count("unavailable"), already=outcomes.count("already"),
        resumed=outcomes.count("resumed"), found=outcomes.count("found"),
        resent=outcomes.count("resent"), elsewhere=outcomes.count("elsewhere"))


async def _deliver_one(db: Database, gateway: ChatGateway, row: Any, view: StatementView,
                       me: str, now: datetime) -> list[str]:
    """The outcomes of one row: its state, plus "resumed"/"found"/"resent" where they apply."""
    seen = Seen(row.id, row.status, row.owner, row.attempts)
    key = row.delivery_key or new_delivery_key()
    target = ChannelTarget(id=row.channel_id, external_id=row.external_id,
                           answer_mode=row.answer_mode)
    async with db.transaction() as session:  # only one process sends a given post
        if not await claim(session, Post, seen, owner=me, now=now, delivery_key=key):
            return ["elsewhere"]
    notes = ["resumed"] if seen.status == "sending" else []
    looked = False
    try:
        earlier = await find_earlier(gateway, target, seen, key)
        looked = gateway.can_check_delivery  # not there: an earlier call did not arrive
        if earlier is not None:
            await _settle(db, row.id, PostRef(earlier), now)
            log.info("statement %s in %s channel %s: an earlier attempt had arrived (%s); "
                     "not sent again", view.key, gateway.platform, row.external_id, earlier)
            return [*notes, "found", "posted"]
        if is_uncertain(seen) and not gateway.can_check_delivery:
            notes.append("resent")
        ref = await gateway.post_statement(target, view, key=key)
    except ChannelUnavailable as exc:
        log.error("%s channel %s is unavailable (%s); statement %s not posted there. Add the "
                  "bot to it: positie tries again by itself (`positie channels` shows when) "
                  "and posts what it missed; `positie channels retry %s` tries now.",
                  gateway.platform, row.external_id, exc, view.key, row.external_id)
        await mark_channel_inactive(db, row.channel_id, str(exc), now=now)
        await _release(db, row.id, str(exc), status=UNSURE if is_uncertain(seen)
                       and not looked else "pending")
        return [n for n in notes if n != "resent"] + ["unavailable"]
    except Exception as exc:  # kept for retry whatever the cause; nothing is dropped
        log.warning("posting statement %s to %s channel %s failed (%s); kept for retry",
                    view.key, gateway.platform, row.external_id, exc)
        await _release(db, row.id, str(exc), status=released_status(
            exc, still_unsure=is_uncertain(seen) and not looked))
        return [n for n in notes if n != "resent"] + ["pending"]
    await _settle(db, row.id, ref, now)
    return [*notes, "posted"]


async def _settle(db: Database, post_id: int, ref: PostRef, now: datetime) -> None:
    async with db.transaction() as session:
        await session.execute(update(Post).where(Post.id == post_id).values(
            status="posted", message_ref=ref.message_ref, poll_id=ref.poll_id, owner=None,
            attempts=Post.attempts + 1, posted_at=now, last_error=None))


async def _release(db: Database, post_id: int, error: str, *,
                   status: str = "pending") -> None:
    async with db.transaction() as session:
        await session.execute(update(Post).where(Post.id == post_id).values(
            status=status, owner=None, attempts=Post.attempts + 1, last_error=error[:300]))


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
        posts = await posted_messages(session, Post.statement_id == statement.id,
                                      Post.status == "posted")
    updated = 0
    for post in posts:
        gateway = gateways.get(post.platform)
        if gateway is None:
            continue
        try:
            await gateway.close_statement(post.channel, post.ref, view)
            updated += 1
        except Exception as exc:  # the statement is closed for answers regardless
            log.warning("could not mark statement %s closed in %s channel %s: %s",
                        key, post.platform, post.channel.external_id, exc)
    return updated
