"""How long positie keeps personal data: until `campaign.ends`, then `campaign.retention`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator

from bot.settings.schedule import parse_duration


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError('expected a duration in quotes, e.g. "90d" or "26w"')
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


def purge_due(ends: date | None, retention: timedelta | None, timezone: str) -> datetime | None:
    """When personal data of a campaign must go: the end of its last day (in the campaign's
    timezone) plus the retention period; None while either is not set."""
    if ends is None or retention is None:
        return None
    last_moment = datetime.combine(ends + timedelta(days=1), time(0), ZoneInfo(timezone))
    return (last_moment + retention).astimezone(UTC)
