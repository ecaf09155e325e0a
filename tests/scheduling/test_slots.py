"""Slots of a weekly schedule in Europe/Amsterdam, across both daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.cadence.openings import closes_at
from bot.settings.schedule import parse_moment
from scheduling.slots import next_slots, slots_between, trigger_for

TZ = "Europe/Amsterdam"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(moments: list[str], after: datetime, until: datetime) -> list[datetime]:
    trigger = trigger_for([parse_moment(m) for m in moments], TZ)
    return slots_between(trigger, after=after, until=until, timezone=TZ)


def test_weekly_tuesday_keeps_its_wall_clock_time_across_the_march_change() -> None:
    # Summer time starts Sunday 29 March 2026: 10:00 is 09:00 UTC before, 08:00 UTC after.
    assert slots(["tue 10:00"], utc(2026, 3, 17), utc(2026, 4, 8)) == [
        utc(2026, 3, 17, 9), utc(2026, 3, 24, 9), utc(2026, 3, 31, 8), utc(2026, 4, 7, 8)]


def test_weekly_tuesday_keeps_its_wall_clock_time_across_the_october_change() -> None:
    # Summer time ends Sunday 25 October 2026.
    assert slots(["di 10:00"], utc(2026, 10, 14), utc(2026, 11, 4)) == [
        utc(2026, 10, 20, 8), utc(2026, 10, 27, 9), utc(2026, 11, 3, 9)]


def test_a_sunday_schedule_on_the_change_days_themselves() -> None:
    assert slots(["sun 10:00"], utc(2026, 3, 21), utc(2026, 4, 6)) == [
        utc(2026, 3, 22, 9), utc(2026, 3, 29, 8), utc(2026, 4, 5, 8)]
    assert slots(["zo 10:00"], utc(2026, 10, 17), utc(2026, 11, 2)) == [
        utc(2026, 10, 18, 8), utc(2026, 10, 25, 9), utc(2026, 11, 1, 9)]


def test_the_repeated_hour_runs_once_and_the_skipped_hour_runs_late() -> None:
    # 02:30 happens twice on 25 October: one run, at the first.
    assert slots(["sun 02:30"], utc(2026, 10, 24), utc(2026, 10, 26)) == [
        utc(2026, 10, 25, 0, 30)]
    # 02:30 does not exist on 29 March: it runs at 03:30 summer time, once.
    assert slots(["sun 02:30"], utc(2026, 3, 28), utc(2026, 3, 30)) == [utc(2026, 3, 29, 1, 30)]


def test_several_moments_merge_in_time_order() -> None:
    assert slots(["thu 09:30", "tue 10:00"], utc(2026, 3, 23), utc(2026, 4, 3)) == [
        utc(2026, 3, 24, 9), utc(2026, 3, 26, 8, 30), utc(2026, 3, 31, 8), utc(2026, 4, 2, 7, 30)]


def test_bounds_are_exclusive_after_and_inclusive_until() -> None:
    slot = utc(2026, 3, 24, 9)
    assert slots(["tue 10:00"], slot, slot + timedelta(days=6)) == []
    assert slots(["tue 10:00"], slot - timedelta(seconds=1), slot) == [slot]


def test_next_slots_counts() -> None:
    trigger = trigger_for([parse_moment("werkdagen 16:00")], TZ)
    coming = next_slots(trigger, after=utc(2026, 3, 27, 12), timezone=TZ, count=3)
    assert coming == [utc(2026, 3, 27, 15), utc(2026, 3, 30, 14), utc(2026, 3, 31, 14)]


def test_an_open_period_is_counted_on_the_wall_clock() -> None:
    week = timedelta(days=7)
    # Opened a few seconds after Tuesday 10:00 in winter, closes Tuesday 10:00 in summer.
    assert closes_at(utc(2026, 3, 24, 9, 0, 4), week, TZ) == utc(2026, 3, 31, 8)
    assert closes_at(utc(2026, 10, 20, 8, 0, 4), week, TZ) == utc(2026, 10, 27, 9)
    # SQLite hands back naive UTC datetimes.
    assert closes_at(datetime(2026, 10, 20, 8, 0, 4), week, TZ) == utc(2026, 10, 27, 9)
