"""Live tallies that end true: every message of a statement, in every channel on every
platform, is refreshed when the statement's count changes.

Two coalescing steps. Per statement: a burst of votes (from any channel, any platform)
becomes one look-up of the statement's posts per interval. Per message: each post is edited
at most once per its platform's interval, always with the count as it is when the edit is
rendered, and an edit the platform refuses for now is sent again after the wait it names
(`RetryLater`), so the last count reaches every message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select

from bot.domain import StatementState, StatementView
from bot.ports import ChannelTarget, ChatGateway, PostRef
from bot.positions.batching import Coalescer
from bot.store.db import Database
from bot.store.models import Channel, Post, Statement

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TalliedPost:
    platform: str
    channel: ChannelTarget
    post: PostRef


async def tallied_posts(db: Database, campaign_id: str, statement_key: str,
                        platforms: list[str]) -> list[TalliedPost]:
    """The statement's posted messages in active channels that show a tally (not polls)."""
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Channel.id, Channel.platform, Channel.external_id, Channel.answer_mode,
                   Post.message_ref, Post.poll_id)
            .join(Post, Post.channel_id == Channel.id)
            .join(Statement, Statement.id == Post.statement_id)
            .where(Statement.campaign_id == campaign_id, Statement.key == statement_key,
                   Post.status == "posted", Post.message_ref.is_not(None),
                   Post.poll_id.is_(None), Channel.active.is_(True),
                   Channel.platform.in_(platforms)))).all()
    return [TalliedPost(r.platform, ChannelTarget(r.id, r.external_id, r.answer_mode),
                        PostRef(r.message_ref or ""))
            for r in rows]


class TallyRefresher:
    def __init__(self, *, db: Database, campaign_id: str, gateways: Mapping[str, ChatGateway],
                 statement_view: Callable[[str], Awaitable[StatementView]]) -> None:
        self._db = db
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
        for found in await tallied_posts(self._db, self._campaign_id, statement_key,
                                         list(self._messages)):
            self._messages[found.platform].touch((found.channel, found.post, statement_key))

    async def _edit(self, platform: str, key: Hashable) -> None:
        channel: ChannelTarget
        post: PostRef
        statement_key: str
        channel, post, statement_key = key  # type: ignore[misc]
        view = await self._statement_view(statement_key)
        if view.state != StatementState.OPEN:  # closing re-rendered it, without buttons
            return
        gateway = self._gateways.get(platform)
        if gateway is not None:
            await gateway.refresh_statement(channel, post, view)

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
