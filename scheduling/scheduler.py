"""CampaignScheduler: APScheduler as an alarm clock for the campaign's jobs.

AsyncIOScheduler runs in the bot's own event loop with an in-memory job store: it only
wakes the process at the right moments. What is due, what already ran and who runs it are
answered by the database (scheduling.runs), so a restart loses nothing, and catch-up after
downtime is done by `catch_up` at start and every few minutes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.cadence.openings import OPEN_JOB
from bot.ports import Clock
from bot.service import CampaignService
from bot.settings.schedule import ScheduleSettings
from scheduling.jobs import (
    close_due_statements,
    open_next_statement,
    post_scheduled_digest,
    send_due_reminders,
)
from scheduling.runs import JobSpec, SlotResult, run_due
from scheduling.slots import next_slots, trigger_for

log = logging.getLogger(__name__)

# How often closing, retries of failed runs and takeovers of dead runs are checked. Closing
# is up to this late; scheduled moments themselves fire on time.
CHECK_EVERY = timedelta(minutes=5)


def job_specs(schedule: ScheduleSettings, timezone: str) -> list[JobSpec]:
    """One spec per job that has moments configured."""
    wanted = [(OPEN_JOB, schedule.open, open_next_statement, None),
              ("remind", schedule.remind, send_due_reminders, None),
              ("digest", schedule.digest, post_scheduled_digest, None)]
    return [JobSpec(name=name, trigger=trigger_for(moments, timezone), job=job,
                    on_resume=on_resume)
            for name, moments, job, on_resume in wanted if moments]


class CampaignScheduler:
    def __init__(self, *, service: CampaignService, schedule: ScheduleSettings,
                 clock: Clock) -> None:
        self.service = service
        self.schedule = schedule
        self.clock = clock
        self.timezone = service.settings.campaign.timezone
        self.specs = job_specs(schedule, self.timezone)
        self._scheduler: AsyncIOScheduler | None = None

    async def catch_up(self, now: datetime | None = None) -> list[SlotResult]:
        """Close what is due, then run, resume or skip every job's due slots."""
        now = now or self.clock.now()
        if not await self.service.is_paused():
            await close_due_statements(self.service, now=now)
        results: list[SlotResult] = []
        for spec in self.specs:
            results += await run_due(self.service, spec, now=now,
                                     grace=self.schedule.misfire_grace)
        return results

    async def run_job(self, name: str) -> list[SlotResult]:
        """What a trigger firing does; also safe to call at any other moment."""
        spec = next(s for s in self.specs if s.name == name)
        return await run_due(self.service, spec, now=self.clock.now(),
                             grace=self.schedule.misfire_grace)

    async def start(self) -> None:
        """Catch up first, then arm the triggers. Needs the running event loop."""
        await self.catch_up()
        scheduler = AsyncIOScheduler(timezone=ZoneInfo(self.timezone), job_defaults={
            # A firing APScheduler itself finds late (a blocked loop, a suspended laptop)
            # still runs within our grace period; run_due decides the rest.
            "misfire_grace_time": int(self.schedule.misfire_grace.total_seconds()),
            "coalesce": True,
            "max_instances": 1,
        })
        for spec in self.specs:
            scheduler.add_job(self._guarded, spec.trigger, args=[spec.name], id=spec.name,
                              name=f"{self.service.campaign_id}:{spec.name}")
        scheduler.add_job(self._guarded, IntervalTrigger(seconds=CHECK_EVERY.total_seconds()),
                          args=[None], id="check", name=f"{self.service.campaign_id}:check")
        scheduler.start()
        self._scheduler = scheduler
        for line in self.describe():
            log.info("schedule: %s", line)

    async def stop(self) -> None:
        if self._scheduler is not None:
            # A run in progress is cancelled (its task gets CancelledError); its claim stays
            # and is resumed after the lease by whichever process looks next.
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def describe(self, count: int = 1) -> list[str]:
        now = self.clock.now()
        lines = []
        for spec in self.specs:
            upcoming = next_slots(spec.trigger, after=now, timezone=self.timezone, count=count)
            when = ", ".join(s.astimezone(ZoneInfo(self.timezone)).strftime("%a %Y-%m-%d %H:%M")
                             for s in upcoming)
            lines.append(f"{spec.name} next at {when or 'never'} ({self.timezone})")
        return lines

    async def _guarded(self, name: str | None) -> None:
        try:
            if name is None:
                await self.catch_up()
            else:
                await self.run_job(name)
        except Exception:  # keep the scheduler alive; the next wake-up retries
            log.exception("scheduled %s failed", name or "check")
