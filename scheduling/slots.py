"""Moments as APScheduler triggers, and the slots a trigger had between two instants.

The triggers run in the campaign's timezone, so "tue 10:00" stays 10:00 on the wall clock
across daylight-saving changes (09:00 UTC in winter, 08:00 UTC in summer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.settings.schedule import Moment

# A schedule down for years still yields a bounded list; beyond it the catch-up skips anyway.
MAX_SLOTS = 5000
_TICK = timedelta(microseconds=1)


def trigger_for(moments: Sequence[Moment], timezone: str) -> BaseTrigger:
    zone = ZoneInfo(timezone)
    crons = [CronTrigger(day_of_week=m.cron_days(), hour=m.at.hour, minute=m.at.minute,
                         timezone=zone) for m in moments]
    return crons[0] if len(crons) == 1 else OrTrigger(crons)


def slots_between(trigger: BaseTrigger, *, after: datetime, until: datetime, timezone: str,
                  limit: int = MAX_SLOTS) -> list[datetime]:
    """Fire times t with after < t <= until, in UTC, oldest first.

    In the hour repeated when summer time ends (02:00-03:00 happens twice) a cron trigger
    fires twice for one wall-clock moment; the second one (fold=1) is dropped, because the
    person who wrote "sun 02:30" meant once.
    """
    zone = ZoneInfo(timezone)
    slots: list[datetime] = []
    cursor = after.astimezone(UTC) + _TICK
    while len(slots) < limit:
        fire = trigger.get_next_fire_time(None, cursor.astimezone(zone))
        if fire is None or fire > until:
            break
        fire = fire.astimezone(UTC)
        if fire.astimezone(zone).fold == 0:
            slots.append(fire)
        cursor = fire + _TICK
    return slots


def next_slots(trigger: BaseTrigger, *, after: datetime, timezone: str,
               count: int) -> list[datetime]:
    """The coming fire times (for `positie schedule` and the start-up log)."""
    return slots_between(trigger, after=after, until=after + timedelta(days=400),
                         timezone=timezone, limit=count)
