"""Run a job's due slots exactly once: on time, caught up after downtime, or skipped.

Every wake-up (a trigger firing, the start-up catch-up, the periodic check) does the same:
list the job's slots since the last one on record, skip all but the latest (a run missed
while down is coalesced into one), run that latest one if it is within the grace period and
skip it with a log line if not, and resume runs whose process died mid-way. Which process
runs a slot is settled by the database (bot.cadence.job_runs), never by the scheduler's memory.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from bot.cadence import job_runs
from bot.cadence.job_runs import RunStatus
from bot.service import CampaignService
from bot.settings.schedule import format_duration
from scheduling.jobs import Job, RunIncomplete
from scheduling.slots import slots_between

log = logging.getLogger(__name__)

ResumeHook = Callable[[CampaignService, datetime], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    trigger: BaseTrigger
    job: Job
    on_resume: ResumeHook | None = None  # tidy up after a run whose process died


@dataclass(frozen=True, slots=True)
class SlotResult:
    job: str
    slot: datetime
    outcome: str  # ran, resumed, skipped, coalesced, paused, taken, incomplete, failed
    detail: str = ""


async def run_due(service: CampaignService, spec: JobSpec, *, now: datetime,
                  grace: timedelta) -> list[SlotResult]:
    results = await _due_results(service, spec, now=now, grace=grace)
    for result in results:
        service.metrics.scheduler_run(result.job, result.outcome)
    return results


async def _due_results(service: CampaignService, spec: JobSpec, *, now: datetime,
                       grace: timedelta) -> list[SlotResult]:
    db, campaign = service.db, service.campaign_id
    timezone = service.settings.campaign.timezone
    last = await job_runs.last_slot(db, campaign_id=campaign, job=spec.name)
    if last is None:
        # First start: nothing before now was ever due. Later catch-ups count from here.
        await job_runs.record(db, campaign_id=campaign, job=spec.name, slot=now,
                              status=RunStatus.BASELINE, detail="schedule started", now=now)
        log.info("%s: schedule starts now; runs before %s are not caught up", spec.name,
                 _local(now, timezone))
        return []
    results = [await _run_slot(service, spec, slot, now=now, grace=grace, stale=True)
               for slot in await job_runs.unfinished_slots(db, campaign_id=campaign,
                                                           job=spec.name, now=now)]
    due = slots_between(spec.trigger, after=last, until=now, timezone=timezone)
    if not due:
        return results
    *missed, latest = due
    coalesced = now - latest <= grace
    for slot in missed:
        await job_runs.record(db, campaign_id=campaign, job=spec.name, slot=slot,
                              status=RunStatus.SKIPPED, now=now,
                              detail=f"coalesced into {job_runs.slot_key(latest)}" if coalesced
                              else "missed while the bot was not running")
        results.append(SlotResult(spec.name, slot, "coalesced" if coalesced else "skipped"))
    if missed:
        log.warning("%s: %d scheduled run(s) between %s and %s were missed while the bot was "
                    "not running; %s", spec.name, len(missed), _local(missed[0], timezone),
                    _local(missed[-1], timezone),
                    "only the latest one runs" if coalesced else "skipped")
    results.append(await _run_slot(service, spec, latest, now=now, grace=grace, stale=False))
    return results


async def _run_slot(service: CampaignService, spec: JobSpec, slot: datetime, *,
                    now: datetime, grace: timedelta, stale: bool) -> SlotResult:
    db, campaign = service.db, service.campaign_id
    timezone = service.settings.campaign.timezone
    late = now - slot
    if late > grace:
        detail = (f"missed by {format_duration(late)}, more than misfire_grace "
                  f"{format_duration(grace)}")
        if stale:  # a claimed run of a dead process: close its record
            await job_runs.finish(db, campaign_id=campaign, job=spec.name, slot=slot,
                                  status=RunStatus.SKIPPED, detail=detail, now=now)
        else:
            await job_runs.record(db, campaign_id=campaign, job=spec.name, slot=slot,
                                  status=RunStatus.SKIPPED, detail=detail, now=now)
        log.warning("%s run scheduled for %s was %s: skipped. Run it by hand if it is still "
                    "wanted (positie post / positie digest).", spec.name,
                    _local(slot, timezone), detail)
        return SlotResult(spec.name, slot, "skipped", detail)
    claim = await job_runs.claim(db, campaign_id=campaign, job=spec.name, slot=slot, now=now)
    if claim is None:
        return SlotResult(spec.name, slot, "taken", "done, skipped or running elsewhere")
    if await service.is_paused():
        log.info("%s run for %s: the campaign is paused; nothing done", spec.name,
                 _local(slot, timezone))
        await job_runs.finish(db, campaign_id=campaign, job=spec.name, slot=slot,
                              status=RunStatus.SKIPPED, detail="campaign paused", now=now)
        return SlotResult(spec.name, slot, "paused")
    if claim.resumed and spec.on_resume is not None:
        await spec.on_resume(service, slot)
    try:
        detail = await spec.job(service, now=now, slot=slot)
    except RunIncomplete as exc:
        log.warning("%s run for %s incomplete (%s); retried after %s within the grace period",
                    spec.name, _local(slot, timezone), exc, format_duration(job_runs.RUN_LEASE))
        return SlotResult(spec.name, slot, "incomplete", str(exc)[:200])
    except Exception as exc:
        # The claim stays: after its lease a later check retries it, if still within grace.
        log.exception("%s run for %s failed; it is retried within the grace period",
                      spec.name, _local(slot, timezone))
        return SlotResult(spec.name, slot, "failed", str(exc)[:200])
    await job_runs.finish(db, campaign_id=campaign, job=spec.name, slot=slot,
                          status=RunStatus.DONE, detail=detail, now=now)
    return SlotResult(spec.name, slot, "resumed" if claim.resumed else "ran", detail)


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime(f"%a %Y-%m-%d %H:%M ({timezone})")
