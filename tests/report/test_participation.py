"""Participation per week: people per layer from their first position, weeks without
newcomers kept, in the campaign's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.insight.participation import participation_by_week, weekly
from bot.service import CampaignService
from tests.factories import person, vote


def test_weeks_are_cumulative_without_gaps_in_local_time() -> None:
    firsts = [("rijk", datetime(2026, 11, 2, 10, tzinfo=UTC)),
              # Sunday 23:30 UTC is Monday 00:30 in Amsterdam: the next week.
              ("rijk", datetime(2026, 11, 8, 23, 30, tzinfo=UTC)),
              ("gemeente", datetime(2026, 11, 25, 9, tzinfo=UTC))]
    weeks = weekly(firsts, timezone="Europe/Amsterdam")
    assert [w.week for w in weeks] == [date(2026, 11, 2), date(2026, 11, 9),
                                       date(2026, 11, 16), date(2026, 11, 23)]
    assert [w.total for w in weeks] == [{"rijk": 1}, {"rijk": 2}, {"rijk": 2},
                                        {"rijk": 2, "gemeente": 1}]
    assert weeks[2].new == {}
    assert weekly([], timezone="Europe/Amsterdam") == ()


async def test_a_person_counts_once_from_their_first_position(
        service: CampaignService) -> None:
    await service.open("visie-rijk")
    await service.open("visie-gebied")
    who = person("R1")
    await service.choose_layer(who, "rijk")
    await service.record(vote(who, "visie-rijk", "eens"))
    await service.record(vote(who, "visie-gebied", "oneens"))
    await service.record(vote(who, "visie-rijk", "oneens", at=2000.0))
    weeks = await participation_by_week(service.db, "test", timezone="Europe/Amsterdam")
    assert [w.total for w in weeks] == [{"rijk": 1}]
