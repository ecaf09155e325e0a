"""Participation over time: per week, how many people of each layer had taken part so far.

A person counts from the week of their first recorded position on one of the campaign's
statements, in their layer of today (a person's earlier positions move with their layer).
These are counts of people, as the digest's "who is taking part" publishes them at every
digest; they say nothing about what anyone answered, so they do not pass the release step.
The database groups the events per person (one row per participant reaches Python).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import utc
from bot.store.db import Database
from bot.store.models import Participant, PositionEvent, Statement


@dataclass(frozen=True, slots=True)
class ParticipationWeek:
    week: date  # the Monday the week starts, in the campaign's timezone
    new: dict[str, int]  # layer -> people whose first position fell in this week
    total: dict[str, int]  # layer -> people who had taken part by the end of this week


async def participation_by_week(db: Database, campaign_id: str, *,
                                timezone: str) -> tuple[ParticipationWeek, ...]:
    first = func.min(PositionEvent.recorded_at)
    query = (select(Participant.layer, first)
             .join(Participant, Participant.id == PositionEvent.participant_id)
             .join(Statement, Statement.id == PositionEvent.statement_id)
             .where(Statement.campaign_id == campaign_id)
             .group_by(PositionEvent.participant_id, Participant.layer))
    async with db.sessions() as session:
        rows = (await session.execute(query)).all()
    return weekly(((layer, utc(at)) for layer, at in rows), timezone=timezone)


def weekly(firsts: Iterable[tuple[str, datetime]], *,
           timezone: str) -> tuple[ParticipationWeek, ...]:
    """(layer, first moment) per person -> one entry per week from the first to the last,
    weeks without newcomers included, so the series has no gaps."""
    zone = ZoneInfo(timezone)
    new: dict[date, Counter[str]] = {}
    for layer, at in firsts:
        day = at.astimezone(zone).date()
        new.setdefault(day - timedelta(days=day.weekday()), Counter())[layer] += 1
    if not new:
        return ()
    weeks: list[ParticipationWeek] = []
    total: Counter[str] = Counter()
    week, last = min(new), max(new)
    while week <= last:
        added = new.get(week, Counter())
        total.update(added)
        weeks.append(ParticipationWeek(week=week, new=dict(added), total=dict(total)))
        week += timedelta(days=7)
    return tuple(weeks)
