"""A statement's lifecycle as an explicit state machine: which step is allowed from where.

    draft ──open──► open ──close──► closed ──reopen (positie post)──► open
      │                                  │
      └──────── retired (left out of the catalogue; back when it returns) ◄──┘

Each refused step says why and what to do instead. Reopening gives every message of the
statement its answer buttons back; a native poll, once stopped, cannot be reopened, so the
platform posts a new one in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, update

from bot.domain import StatementState, StatementView
from bot.ports import ChatGateway
from bot.publishing.posts import posted_messages
from bot.store.db import Database
from bot.store.models import Post

log = logging.getLogger(__name__)

NEVER_OPENED = (StatementState.DRAFT, StatementState.SCHEDULED)


class TransitionRefused(Exception):
    """The step is not allowed from the statement's state; the message says why (in
    English, for the CLI); `reason` names the case for translated replies in chat."""

    def __init__(self, key: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.key, self.reason = key, reason


def check_open(key: str, state: StatementState) -> None:
    if state is StatementState.RETIRED:
        raise TransitionRefused(
            key, "retired", f"statement {key!r} is retired: it is no longer in the statements "
            "file. Add it back there (and import) to open it again")


def check_close(key: str, state: StatementState) -> None:
    if state in NEVER_OPENED:
        raise TransitionRefused(
            key, "never_opened", f"statement {key!r} was never opened, so there is nothing to "
            f"close; it stays a draft (open it with `positie post {key}`)")


def check_reopen(key: str, state: StatementState) -> None:
    if state is not StatementState.CLOSED:
        raise TransitionRefused(key, "not_closed", f"statement {key!r} is not closed "
                                f"({state}); only a closed statement can be reopened")


async def posted_before(db: Database, statement_id: int) -> list[int]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Post.id).where(
            Post.statement_id == statement_id, Post.status == "posted")))


async def reopen_posts(db: Database, gateways: Mapping[str, ChatGateway], *,
                       post_ids: list[int], view: StatementView, now: datetime) -> int:
    """Give the statement's earlier messages their answer buttons back; returns how many."""
    async with db.sessions() as session:
        posts = await posted_messages(session, Post.id.in_(post_ids))
    reopened = 0
    for post in posts:
        gateway = gateways.get(post.platform)
        if gateway is None:
            continue
        try:
            ref = await gateway.reopen_statement(post.channel, post.ref, view)
        except Exception as exc:  # answers are taken again regardless; say where it failed
            log.warning("could not reopen statement %s in %s channel %s (%s); its message "
                        "there still says closed", view.key, post.platform,
                        post.channel.external_id, exc)
            continue
        async with db.transaction() as session:
            await session.execute(update(Post).where(Post.id == post.post_id).values(
                message_ref=ref.message_ref, poll_id=ref.poll_id, posted_at=now))
        reopened += 1
    return reopened
