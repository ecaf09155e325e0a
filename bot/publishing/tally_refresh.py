"""Live tallies that end true: every message of a statement, in every channel on every
platform, is refreshed when the statement's count changes.

Two coalescing steps. Per statement: a burst of votes (from any channel, any platform)
becomes one look-up of the statement's posts per interval. Per message: each post is edited
at most once per its platform's interval, always with the count as it is when the edit is
rendered, and an edit the platform refuses for now is sent again after the wait it names
(`RetryLater`), so the last count reaches every message.

Each message behind on its count is an outbox row (TallyEdit): "pending" from the change
until an edit rendered after it landed, "sending" while this process edits it. A row a
dead process left behind (pending, or sending under an owner that is gone) is edited again
when a process with live tallies starts (`resume`), so a crash or a refusal that outlasted
the retries loses no count.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import or_, select, update

from bot.domain import StatementState, StatementView
from bot.ports import ChannelTarget, ChatGateway, PostRef, RetryLater
from bot.positions.batching import Coalescer
from bot.publishing.lease import ProcessLease, wall_now
from bot.publishing.outbox import SENDING
from bot.store.db import Database
from bot.store.models import Channel, Post, Statement, TallyEdit
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TalliedPost:
    platform: str
    channel: ChannelTarget
    post: PostRef
    post_id: int = 0
    statement_key: str = ""


async def tallied_posts(db: Database, campaign_id: str, statement_key: str | None,
                        platforms: list[str], *, behind: bool = False) -> list[TalliedPost]:
    """The statement's (None: every statement's) posted messages in active channels that
    show a tally (not polls); with `behind`, only those with an edit row still unsettled."""
    query = (select(Channel.id, Channel.platform, Channel.external_id, Channel.answer_mode,
                    Post.id.label("post_id"), Post.message_ref, Post.poll_id,
                    Statement.key.label("statement_key"))
             .join(Post, Post.channel_id == Channel.id)
             .join(Statement, Statement.id == Post.statement_id)
             .where(Statement.campaign_id == campaign_id,
                    Post.status == "posted", Post.message_ref.is_not(None),
                    Post.poll_id.is_(None), Channel.active.is_(True),
                    Channel.platform.in_(platforms)))
    if statement_key is not None:
        query = query.where(Statement.key == statement_key)
    if behind:
        query = query.join(TallyEdit, TallyEdit.post_id == Post.id).where(
            TallyEdit.status != "done")
    async with db.sessions() as session:
        rows = (await session.execute(query)).all()
    return [TalliedPost(r.platform, ChannelTarget(r.id, r.external_id, r.answer_mode),
                        PostRef(r.message_ref or ""), r.post_id, r.statement_key)
            for r in rows]


class TallyRefresher:
    def __init__(self, *, db: Database, campaign_id: str, gateways: Mapping[str, ChatGateway],
                 statement_view: Callable[[str], Awaitable[StatementView]],
                 lease: ProcessLease) -> None:
        self._db = db
        self._lease = lease
        self._campaign_id = campaign_id
        self._gateways = gateways
        self._statement_view = statement_view
        self._messages: dict[str, Coalescer] = {}
        self._intervals: dict[str, float] = {}
        self._statements: Coalescer | None = None

    def enable(self, platform: str, *, interval: float) -> None:
        """Keep this platform's messages up to date, each edited at most once per interval."""
        self._messages[platform] = Coalescer(interval=interval,
                                             action=partial(self._edit, platform))
        self._intervals[platform] = interval
        # Looking the posts up once per shortest interval is enough for every platform.
        self._statements = Coalescer(interval=min(self._intervals.values()),
                                     action=self._fan_out)

    def changed(self, statement_key: str) -> None:
        """A position on this statement was added, changed or withdrawn."""
        if self._statements is not None:
            self._statements.touch(statement_key)

    async def _fan_out(self, key: Hashable) -> None:
        statement_key = str(key)
        found = await tallied_posts(self._db, self._campaign_id, statement_key,
                                    list(self._messages))
        await self._mark_behind([f.post_id for f in found])
        self._touch(found)

    def _touch(self, found: list[TalliedPost]) -> None:
        for post in found:
            self._messages[post.platform].touch(
                (post.channel, post.post, post.statement_key, post.post_id))

    async def _mark_behind(self, post_ids: list[int]) -> None:
        """Written before the edits: these messages show an old count until edited."""
        if not post_ids:
            return
        async with self._db.transaction() as session:
            insert = insert_for(self._db.dialect, TallyEdit)
            await session.execute(insert.on_conflict_do_update(
                index_elements=[TallyEdit.post_id], set_={"status": "pending"}),
                [{"post_id": i, "status": "pending", "attempts": 0} for i in post_ids])

    async def resume(self) -> int:
        """Edit again what a process that stopped left behind; returns how many."""
        if not self._messages:
            return 0
        found = await tallied_posts(self._db, self._campaign_id, None, list(self._messages),
                                    behind=True)
        if found:
            log.info("live tallies: %d message(s) left behind by a process that stopped are "
                     "edited again", len(found))
        self._touch(found)
        return len(found)

    async def _edit(self, platform: str, key: Hashable) -> None:
        channel: ChannelTarget
        post: PostRef
        statement_key: str
        post_id: int
        channel, post, statement_key, post_id = key  # type: ignore[misc]
        me = await self._lease.acquire()
        live = await self._lease.live_owners()
        async with self._db.transaction() as session:  # one edit in flight per message
            claimed = await session.execute(update(TallyEdit).where(
                TallyEdit.post_id == post_id, TallyEdit.status != "done", or_(
                    TallyEdit.status == "pending", TallyEdit.owner.is_(None),
                    TallyEdit.owner.not_in(list(live)), TallyEdit.owner == me))
                .values(status=SENDING, owner=me, claimed_at=wall_now()))
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return  # settled already, or another live process edits it now
        view = await self._statement_view(statement_key)
        gateway = self._gateways.get(platform)
        try:
            if view.state == StatementState.OPEN and gateway is not None:
                await gateway.refresh_statement(channel, post, view)
        except RetryLater as exc:  # the Coalescer waits what the platform named, then again
            await self._release(post_id, me, str(exc), wait=exc.seconds)
            raise
        except Exception as exc:
            await self._release(post_id, me, str(exc), wait=None)
            raise
        async with self._db.transaction() as session:  # a change meanwhile left it pending
            await session.execute(update(TallyEdit).where(
                TallyEdit.post_id == post_id, TallyEdit.status == SENDING,
                TallyEdit.owner == me).values(status="done", owner=None, last_error=None,
                                               attempts=TallyEdit.attempts + 1))

    async def _release(self, post_id: int, me: str, error: str, *,
                       wait: float | None) -> None:
        retry_at = None if wait is None else wall_now() + timedelta(seconds=wait)
        async with self._db.transaction() as session:
            await session.execute(update(TallyEdit).where(
                TallyEdit.post_id == post_id, TallyEdit.owner == me).values(
                status="pending", owner=None, last_error=error[:300], retry_at=retry_at,
                attempts=TallyEdit.attempts + 1))

    async def flush(self) -> None:
        """Until every scheduled edit has landed or been given up (shutdown, tests)."""
        while True:
            pending = [c for c in (self._statements, *self._messages.values())
                       if c is not None and c.busy]
            if not pending:
                return
            await asyncio.gather(*(c.flush() for c in pending))

    def cancel(self) -> None:
        for coalescer in (self._statements, *self._messages.values()):
            if coalescer is not None:
                coalescer.cancel()
