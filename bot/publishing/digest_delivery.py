"""Post a digest to the campaign's digest channels, part by part, exactly once.

One DigestRun per (campaign, period, channel) under a unique constraint; the first process
to take a run renders that channel's parts (the text messages, the chart, the table file)
and stores them as outbox rows, so a rerun under the same period sends only the parts still
missing, in order, never the whole digest again. Part n goes out only after part n-1
arrived.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.document import Document
from bot.ports import ChannelTarget, ChannelUnavailable, ChatGateway, OutgoingPart
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
from bot.publishing.statements import mark_channel_inactive
from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

# Channels served at once per platform (within the gateway's in-flight limit); each
# channel's parts go one after the other.
CHANNEL_CONCURRENCY = 16
# DigestRun.status: "claimed" (no parts yet) → "parts" (rendered, delivering) → "posted";
# "failed" when the channel became unavailable.
RENDERED = "parts"


@dataclass(frozen=True, slots=True)
class DigestReport:
    posted: int  # channels that got their last missing part in this run
    already_posted: int  # channels that had the whole digest before this run
    failed: int  # channels still missing a part (kept for retry, or unavailable)
    parts_sent: int = 0
    resumed: int = 0  # parts taken over from a process that died while sending them
    found: int = 0  # parts an earlier attempt had delivered: not sent again
    resent: int = 0  # parts sent again without a way to check (may show twice)
    elsewhere: int = 0  # channels another live process is sending right now

    @property
    def unsettled(self) -> int:
        return self.failed + self.elsewhere


async def post_digest(db: Database, gateways: Mapping[str, ChatGateway], *,
                      lease: ProcessLease, campaign_id: str, period: str,
                      document: Document, chart_png: bytes | None,
                      now: datetime) -> DigestReport:
    me = await lease.acquire()
    async with db.transaction() as session:
        channels = (await session.execute(select(Channel).where(
            Channel.campaign_id == campaign_id, Channel.active.is_(True),
            Channel.platform.in_(list(gateways))))).scalars().all()
        targets = [c for c in channels if "digest" in (c.roles or [])]
        for channel in targets:
            await session.execute(insert_for(db.dialect, DigestRun).values(
                campaign_id=campaign_id, period=period, channel_id=channel.id,
                status="claimed", attempts=0, claimed_at=now).on_conflict_do_nothing())
    live = await lease.live_owners()
    semaphores = {name: asyncio.Semaphore(min(CHANNEL_CONCURRENCY, gateway.in_flight_limit))
                  for name, gateway in gateways.items()}

    async def one(channel: Channel) -> list[str]:
        async with semaphores[channel.platform]:
            target = ChannelTarget(id=channel.id, external_id=channel.external_id,
                                   answer_mode=channel.answer_mode)
            return await _deliver_channel(db, gateways[channel.platform], target,
                                          campaign_id=campaign_id, period=period,
                                          document=document, chart_png=chart_png,
                                          me=me, live=live, now=now)

    outcomes = [o for found in await asyncio.gather(*(one(c) for c in targets)) for o in found]
    return DigestReport(
        posted=outcomes.count("posted"), already_posted=outcomes.count("already"),
        failed=outcomes.count("failed"), parts_sent=outcomes.count("sent"),
        resumed=outcomes.count("resumed"), found=outcomes.count("found"),
        resent=outcomes.count("resent"), elsewhere=outcomes.count("elsewhere"))


async def _deliver_channel(db: Database, gateway: ChatGateway, target: ChannelTarget, *,
                           campaign_id: str, period: str, document: Document,
                           chart_png: bytes | None, me: str, live: frozenset[str],
                           now: datetime) -> list[str]:
    run_id = await _rendered_run(db, gateway, target, campaign_id=campaign_id, period=period,
                                 document=document, chart_png=chart_png)
    if run_id is None:
        return ["already"]
    async with db.sessions() as session:
        parts = (await session.scalars(select(DigestPart).where(DigestPart.run_id == run_id)
                                       .order_by(DigestPart.part))).all()
    if all(p.status == "sent" for p in parts):
        return await _finish(db, run_id, now, ["already"])
    notes: list[str] = []
    last_text: str | None = None  # where a file part's earlier attempt would follow
    for part in parts:
        if part.status == "sent":
            last_text = part.message_ref if part.kind == "text" else last_text
            continue
        seen = Seen(part.id, part.status, part.owner, part.attempts)
        if held_elsewhere(seen, live, me):
            return [*notes, "elsewhere"]
        outcome, ref = await _deliver_part(db, gateway, target, part, seen, me=me,
                                           period=period, after=last_text, now=now)
        if part.kind == "text" and ref is not None:
            last_text = ref
        notes.extend(outcome)
        if "unavailable" in outcome:
            return await _finish(db, run_id, now, notes, status="failed")
        if "sent" not in outcome and "found" not in outcome:
            return notes  # later parts wait, so the channel reads them in order
    return await _finish(db, run_id, now, [*notes, "posted"])


async def _rendered_run(db: Database, gateway: ChatGateway, target: ChannelTarget, *,
                        campaign_id: str, period: str, document: Document,
                        chart_png: bytes | None) -> int | None:
    """The run's id once its parts are stored (rendering them now if this process is the
    first), or None when the channel had the digest before parts were kept per row."""
    async with db.transaction() as session:
        run = await session.scalar(select(DigestRun).where(
            DigestRun.campaign_id == campaign_id, DigestRun.period == period,
            DigestRun.channel_id == target.id))
        assert run is not None  # inserted above, never deleted
        if run.status in ("posted", "failed") and not await _has_parts(session, run.id):
            return None
        # "sending" is what runs were marked before parts were kept per row: render them.
        taken = await session.execute(update(DigestRun).where(
            DigestRun.id == run.id, DigestRun.status.in_(("claimed", "sending"))).values(
            status=RENDERED, attempts=DigestRun.attempts + 1))
        if taken.rowcount:  # type: ignore[attr-defined]
            rows = [_part_row(run.id, n, part) for n, part in
                    enumerate(gateway.digest_parts(target, document, chart_png))]
            if rows:
                await session.execute(insert_for(db.dialect, DigestPart)
                                      .on_conflict_do_nothing(), rows)
        return run.id


async def _has_parts(session: Any, run_id: int) -> bool:
    return await session.scalar(select(DigestPart.id).where(DigestPart.run_id == run_id)
                                .limit(1)) is not None


def _part_row(run_id: int, n: int, part: OutgoingPart) -> dict[str, object]:
    return {"run_id": run_id, "part": n, "kind": part.kind, "payload": part.payload,
            "data": part.data, "status": "pending", "attempts": 0,
            "delivery_key": new_delivery_key()}


async def _deliver_part(db: Database, gateway: ChatGateway, target: ChannelTarget,
                        part: DigestPart, seen: Seen, *, me: str, period: str,
                        after: str | None, now: datetime) -> tuple[list[str], str | None]:
    """The outcomes of one part, and its message reference once it arrived."""
    async with db.transaction() as session:
        if not await claim(session, DigestPart, seen, owner=me, now=now):
            return ["elsewhere"], None
    notes = ["resumed"] if seen.status == "sending" else []
    outgoing = OutgoingPart(kind=part.kind, payload=dict(part.payload), data=part.data)
    looked = False
    try:
        earlier = await find_earlier(gateway, target, seen, part.delivery_key,
                                     part=outgoing, after=after)
        looked = gateway.can_check_delivery  # not there: an earlier call did not arrive
        if earlier is not None:
            await _settle(db, part.id, earlier, now)
            return [*notes, "found"], earlier
        if is_uncertain(seen) and not gateway.can_check_delivery:
            notes.append("resent")
        ref = await gateway.send_part(target, outgoing, key=part.delivery_key)
    except ChannelUnavailable as exc:
        log.error("%s channel %s is unavailable (%s): marked unreachable, digest %s kept for "
                  "it (`positie channels` shows when it is tried again)",
                  gateway.platform, target.external_id, exc, period)
        await mark_channel_inactive(db, target.id, str(exc), now=now)
        await _release(db, part.id, str(exc), status=UNSURE if is_uncertain(seen)
                       and not looked else "pending")
        return [n for n in notes if n != "resent"] + ["failed", "unavailable"], None
    except Exception as exc:  # released for a later retry, never dropped silently
        log.warning("digest %s part %d (%s) to %s channel %s failed (%s); kept for retry",
                    period, part.part + 1, part.kind, gateway.platform, target.external_id,
                    exc)
        await _release(db, part.id, str(exc), status=released_status(
            exc, still_unsure=is_uncertain(seen) and not looked))
        return [n for n in notes if n != "resent"] + ["failed"], None
    await _settle(db, part.id, ref, now)
    return [*notes, "sent"], ref


async def _settle(db: Database, part_id: int, ref: str, now: datetime) -> None:
    async with db.transaction() as session:
        await session.execute(update(DigestPart).where(DigestPart.id == part_id).values(
            status="sent", owner=None, message_ref=ref[:64], sent_at=now, last_error=None,
            attempts=DigestPart.attempts + 1))


async def _release(db: Database, part_id: int, error: str, *,
                   status: str = "pending") -> None:
    async with db.transaction() as session:
        await session.execute(update(DigestPart).where(DigestPart.id == part_id).values(
            status=status, owner=None, attempts=DigestPart.attempts + 1,
            last_error=error[:300]))


async def _finish(db: Database, run_id: int, now: datetime, outcomes: list[str], *,
                  status: str = "posted") -> list[str]:
    async with db.transaction() as session:
        await session.execute(update(DigestRun).where(DigestRun.id == run_id).values(
            status=status, posted_at=now if status == "posted" else None))
    return outcomes
