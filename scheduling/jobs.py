"""The scheduled jobs: plain async functions of (service, now, slot) returning what they did.

They hold no rule of their own: bot/ decides which statement, who is reminded, what the
digest says. Exactly-once per slot is the caller's part (scheduling.runs); per channel and
per person it is the database's, inside the use cases.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cadence.digest_news import has_news
from bot.cadence.job_runs import slot_key, unsent_digest_channels
from bot.cadence.openings import OPEN_JOB, choose_next_statement, claim_due_closings
from bot.cadence.reminders import send_reminders
from bot.service import CampaignService
from bot.settings.schedule import ScheduleSettings

log = logging.getLogger(__name__)

Job = Callable[..., Awaitable[str]]  # (service, *, now, slot) -> detail for the run record


class RunIncomplete(Exception):
    """Some channels were not reached for a transient reason: the run stays claimed and is
    retried after its lease, within the grace period, for those channels only."""


def schedule_of(service: CampaignService) -> ScheduleSettings:
    schedule = service.settings.schedule
    return schedule if schedule is not None else ScheduleSettings(enabled=False)


async def close_due_statements(service: CampaignService, *, now: datetime,
                               slot: datetime | None = None) -> str:
    """Close statements whose open period has ended: answers stop, buttons become
    "gesloten" (Slack) and polls are stopped (Telegram) by each gateway."""
    keys = await claim_due_closings(service.db, campaign_id=service.campaign_id,
                                    open_for=schedule_of(service).open_for,
                                    timezone=service.settings.campaign.timezone, now=now)
    for key in keys:
        updated = await service.close(key)
        log.info("closed statement %s (open period over); %d message(s) updated", key, updated)
    return f"closed {', '.join(keys)}" if keys else "nothing to close"


async def open_next_statement(service: CampaignService, *, now: datetime,
                              slot: datetime) -> str:
    # The period that ends at this moment closes first, so statements do not overlap.
    await close_due_statements(service, now=now)
    key = await choose_next_statement(service.db, campaign_id=service.campaign_id, slot=slot,
                                      order=schedule_of(service).order)
    if key is None:
        log.warning("scheduled opening at %s: every statement in the order has been opened; "
                    "add statements (positie statements import) or end the schedule",
                    slot_key(slot))
        return "no statement left to open"
    report = await service.open(key)
    log.info("opened statement %s: %d posted, %d kept for retry, %d channel(s) unavailable",
             key, report.posted, report.pending, report.unavailable)
    if report.pending or report.elsewhere:
        raise RunIncomplete(f"statement {key}: {report.pending + report.elsewhere} channel(s) "
                            "not posted yet")
    return (f"opened {key}: {report.posted} posted, {report.pending} pending, "
            f"{report.unavailable} unavailable")


async def send_due_reminders(service: CampaignService, *, now: datetime,
                             slot: datetime) -> str:
    local = now.astimezone(ZoneInfo(service.settings.campaign.timezone))
    if not schedule_of(service).allows_reminder_at(local):
        # Only a catch-up run can land here: configured moments are checked at start-up.
        log.info("reminders due at %s not sent: %s is in quiet hours or the weekend",
                 slot_key(slot), local.strftime("%a %H:%M"))
        return "quiet hours or weekend: no reminders"
    views = [await service.statement_view(k) for k in await service.open_statement_keys()]
    report = await send_reminders(service.db, service.gateways, lease=service.lease,
                                  campaign_id=service.campaign_id, statements=views,
                                  texts=service.texts(), now=now)
    log.info("reminders: %d sent, %d unreachable, %d kept for retry (%d resumed from an "
             "earlier run)", report.sent, report.unreachable, report.failed, report.resumed)
    return (f"{report.sent} sent, {report.unreachable} unreachable, {report.failed} kept for "
            f"retry, {report.resumed} resumed")


async def post_scheduled_digest(service: CampaignService, *, now: datetime,
                                slot: datetime) -> str:
    await close_due_statements(service, now=now)
    period = slot_key(slot)
    if service.settings.schedule is not None and not service.settings.schedule.empty_digests \
            and not await has_news(service.db, service.campaign_id):
        log.info("digest %s skipped: nothing new since the last digest (set "
                 "schedule.empty_digests = true to post it anyway)", period)
        return "skipped: nothing new"
    draft = await service.digest_draft()
    report = await service.publish_draft(draft, period=period,
                                         chart_png=await service.chart_or_none(draft))
    log.info("digest %s: %d posted, %d already posted, %d failed", period, report.posted,
             report.already_posted, report.failed)
    unsent = await unsent_digest_channels(service.db, campaign_id=service.campaign_id,
                                          slot=slot)
    if unsent:
        raise RunIncomplete(f"digest {period}: {unsent} channel(s) kept for retry")
    return f"{report.posted} posted, {report.already_posted} already, {report.failed} failed"


JOBS: dict[str, Job] = {
    OPEN_JOB: open_next_statement,
    "remind": send_due_reminders,
    "digest": post_scheduled_digest,
}
