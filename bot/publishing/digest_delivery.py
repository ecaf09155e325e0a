"""Post a digest to the campaign's digest channels, exactly once per (period, channel)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.document import Document
from bot.ports import ChannelTarget, ChannelUnavailable, ChatGateway
from bot.publishing.statements import mark_channel_inactive
from bot.store.db import Database
from bot.store.models import Channel, DigestRun
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DigestReport:
    posted: int
    already_posted: int
    failed: int


async def post_digest(db: Database, gateways: Mapping[str, ChatGateway], *, campaign_id: str,
                      period: str, document: Document, chart_png: bytes | None,
                      now: datetime) -> DigestReport:
    async with db.transaction() as session:
        channels = (await session.execute(select(Channel).where(
            Channel.campaign_id == campaign_id, Channel.active.is_(True),
            Channel.platform.in_(list(gateways))))).scalars().all()
        targets = [c for c in channels if "digest" in (c.roles or [])]
        for channel in targets:
            await session.execute(insert_for(db.dialect, DigestRun).values(
                campaign_id=campaign_id, period=period, channel_id=channel.id,
                status="claimed", attempts=0, claimed_at=now).on_conflict_do_nothing())
    posted = already = failed = 0
    for channel in targets:
        # Take the run for this channel: only one process flips claimed -> sending.
        async with db.transaction() as session:
            taken = await session.execute(update(DigestRun).where(
                DigestRun.campaign_id == campaign_id, DigestRun.period == period,
                DigestRun.channel_id == channel.id, DigestRun.status == "claimed")
                .values(status="sending", attempts=DigestRun.attempts + 1))
        if taken.rowcount == 0:  # type: ignore[attr-defined]
            already += 1
            continue
        target = ChannelTarget(id=channel.id, external_id=channel.external_id,
                               answer_mode=channel.answer_mode)
        status, error = "posted", None
        try:
            await gateways[channel.platform].post_digest(target, document, chart_png)
            posted += 1
        except ChannelUnavailable as exc:
            log.error("%s channel %s is unavailable (%s): marked inactive, digest not posted",
                      channel.platform, channel.external_id, exc)
            await mark_channel_inactive(db, channel.id, str(exc), now=now)
            status, error = "failed", str(exc)
            failed += 1
        except Exception as exc:  # released for a later retry, never dropped silently
            log.warning("digest %s to %s channel %s failed (%s); kept for retry",
                        period, channel.platform, channel.external_id, exc)
            status, error = "claimed", str(exc)
            failed += 1
        async with db.transaction() as session:
            await session.execute(update(DigestRun).where(
                DigestRun.campaign_id == campaign_id, DigestRun.period == period,
                DigestRun.channel_id == channel.id).values(
                status=status, last_error=error and error[:300],
                posted_at=now if status == "posted" else None))
    return DigestReport(posted=posted, already_posted=already, failed=failed)
