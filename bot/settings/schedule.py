"""The campaign's schedule as a person writes it in the config, validated into values.

Moments are written the way people say them ("tue 10:00", "ma,do 09:30", "werkdagen 16:00")
rather than as cron fields, and durations as "7d", "6h" or "1d12h". Every parse error says
what was wrong and gives an example of what works. scheduling/ turns these values into
triggers; this module knows nothing about APScheduler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dutch and English names, so a civil servant can write either.
_DAYS = {name: i for names in (
    DAY_NAMES, ("ma", "di", "wo", "do", "vr", "za", "zo"),
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
) for i, name in enumerate(names)}
_DAY_SETS = {"daily": tuple(range(7)), "dagelijks": tuple(range(7)),
             "weekdays": tuple(range(5)), "werkdagen": tuple(range(5))}
_MOMENT_HELP = ('write one or more days and a time, e.g. "tue 10:00", "mon,thu 09:30", '
                '"mon-fri 16:00" or "daily 10:00" (Dutch day names work too: "di 10:00")')
_DURATION = re.compile(r"^\s*(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$")
_DURATION_HELP = 'write a number with w, d, h or m, e.g. "7d", "6h", "90m" or "1d12h"'


@dataclass(frozen=True, slots=True)
class Moment:
    """A recurring moment in the campaign's timezone: some days of the week at one time."""

    days: tuple[int, ...]  # 0 = Monday
    at: time
    text: str

    def cron_days(self) -> str:
        return ",".join(DAY_NAMES[d] for d in self.days)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window without reminders; may run past midnight ("18:00-09:00")."""

    start: time
    end: time
    text: str

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def parse_moment(text: str) -> Moment:
    parts = text.strip().lower().split()
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not a moment; {_MOMENT_HELP}")
    days_text, time_text = parts
    return Moment(days=_parse_days(days_text, text), at=_parse_time(time_text, text),
                  text=f"{days_text} {time_text}")


def _parse_days(days_text: str, whole: str) -> tuple[int, ...]:
    if days_text in _DAY_SETS:
        return _DAY_SETS[days_text]
    days: set[int] = set()
    for item in days_text.split(","):
        first, _, last = item.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(f"{whole!r}: unknown day {item!r}; {_MOMENT_HELP}")
        if last:
            start, end = _DAYS[first], _DAYS[last]
            days.update(range(start, end + 1) if start <= end else (*range(start, 7),
                                                                     *range(end + 1)))
        else:
            days.add(_DAYS[first])
    return tuple(sorted(days))


def _parse_time(time_text: str, whole: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", time_text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{whole!r}: {time_text!r} is not a time of day; write HH:MM, "
                         "e.g. 10:00 or 16:30")
    return time(int(match[1]), int(match[2]))


def parse_duration(text: str) -> timedelta:
    match = _DURATION.fullmatch(text.lower())
    if not text.strip() or match is None:
        raise ValueError(f"{text!r} is not a duration; {_DURATION_HELP}")
    weeks, days, hours, minutes = (int(g or 0) for g in match.groups())
    value = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    if not value:
        raise ValueError(f"{text!r} is zero; {_DURATION_HELP}")
    return value


def format_duration(value: timedelta) -> str:
    """The way the config writes it: 7d, 6h, 1d12h, 90m -> 1h30m."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = (f"{days}d" if days else "") + (f"{hours}h" if hours else "")
    return text + (f"{minutes}m" if minutes or not text else "")


def parse_quiet_hours(text: str) -> QuietHours | None:
    if not text.strip():
        return None
    start, sep, end = text.replace(" ", "").partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not a time window; write start-end, e.g. "
                         '"18:00-09:00", or "" for no quiet hours')
    return QuietHours(start=_parse_time(start, text), end=_parse_time(end, text), text=text)


class ScheduleSettings(BaseModel):
    """[schedule]: when statements open and close, and when reminders and digests go out."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    enabled: bool = True
    open: tuple[Moment, ...] = ()
    order: Literal["catalogue"] | tuple[str, ...] = "catalogue"
    open_for: timedelta = timedelta(days=7)
    remind: tuple[Moment, ...] = ()
    digest: tuple[Moment, ...] = ()
    quiet_hours: QuietHours | None = parse_quiet_hours("18:00-09:00")
    weekends: bool = False  # reminders on Saturday and Sunday
    misfire_grace: timedelta = timedelta(hours=6)
    # False: a scheduled digest with nothing new since the last one is skipped (logged).
    empty_digests: bool = False

    @field_validator("open", "remind", "digest", mode="before")
    @classmethod
    def _moments(cls, value: Any) -> tuple[Moment, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str | Moment)
                                                          for i in items):
            raise ValueError(f"expected a moment or a list of moments; {_MOMENT_HELP}")
        return tuple(i if isinstance(i, Moment) else parse_moment(i) for i in items)

    @field_validator("open_for", "misfire_grace", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a duration in quotes; {_DURATION_HELP}")
        return parse_duration(value)

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, value: Any) -> QuietHours | None:
        if value is None or isinstance(value, QuietHours):
            return value
        if not isinstance(value, str):
            raise ValueError('expected a time window in quotes, e.g. "18:00-09:00"')
        return parse_quiet_hours(value)

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(set(value)) != len(value):
            raise ValueError("a statement key appears twice; list each statement once")
        if isinstance(value, str) and value != "catalogue":
            raise ValueError('write "catalogue" or a list of statement keys, e.g. '
                             '["visie-rijk", "regels-afval"]')
        return value

    def allows_reminder_at(self, local: datetime) -> bool:
        """Not at weekends (unless allowed) and not in quiet hours, in local time."""
        if not self.weekends and local.weekday() >= 5:
            return False
        return self.quiet_hours is None or not self.quiet_hours.contains(local.time())


def schedule_problems(schedule: ScheduleSettings, timezone: str,
                      statement_keys: list[str] | None) -> list[str]:
    """Problems a field validator cannot see: the timezone, order against the catalogue,
    reminder moments that the quiet hours or weekend rule would always suppress."""
    problems: list[str] = []
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"campaign.timezone: unknown timezone {timezone!r}; use an IANA name "
                        "such as \"Europe/Amsterdam\"")
    if isinstance(schedule.order, tuple) and statement_keys is not None:
        unknown = [k for k in schedule.order if k not in statement_keys]
        if unknown:
            problems.append(f"schedule.order: unknown statement key(s) {unknown}; use keys "
                            "from the statements file or write order = \"catalogue\"")
    for i, moment in enumerate(schedule.remind):
        quiet = schedule.quiet_hours is not None and schedule.quiet_hours.contains(moment.at)
        weekend_only = not schedule.weekends and all(d >= 5 for d in moment.days)
        if quiet or weekend_only:
            why = (f"falls in quiet_hours {schedule.quiet_hours.text!r}"
                   if quiet and schedule.quiet_hours else "is at the weekend (weekends = false)")
            problems.append(f"schedule.remind[{i}]: {moment.text!r} {why}, so no reminder "
                            "would ever go out; move it or change that setting")
    return problems
