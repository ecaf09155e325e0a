"""Reminders: once per person per open statement, to people who took part before, never to
those who opted out or already answered, and not in quiet hours or at weekends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.service import CampaignService
from bot.store.models import ReminderSent
from scheduling import send_due_reminders
from tests.factories import person
from tests.scheduling.world import RecordingGateway, answer, at, scheduled_settings

S1, S2 = "visie-rijk", "visie-gebied"
THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


async def remind(service: CampaignService, now: datetime) -> str:
    at(service, now)
    return await send_due_reminders(service, now=now, slot=now)


async def two_open_statements(service: CampaignService) -> None:
    await service.open(S1)
    for n, user in enumerate(("U1", "U2", "U3", "U4")):
        await answer(service, user, S1, "eens", at_time=10 + n)
    await service.open(S2)
    await answer(service, "U2", S2, "oneens", at_time=20)  # already answered the new one
    await service.set_reminders(person("U3"), on=False)


async def test_one_nudge_to_those_who_took_part_but_not_in_this_one(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    gateway.unreachable.add("U4")
    assert await remind(service, THURSDAY) == ("1 sent, 1 unreachable, 0 kept for retry, "
                                               "0 resumed")
    [(user, statement, text)] = gateway.private
    assert (user, statement) == ("U1", S2)
    assert "/positie stop" in text
    # Again, a second later or a week later: nobody is nudged twice about one statement.
    assert await remind(service, THURSDAY + timedelta(seconds=1)) == "0 sent, 0 unreachable, " \
                                                                      "0 kept for retry, 0 resumed"
    assert len(gateway.private) == 1
    async with service.db.sessions() as session:
        statuses = sorted(await session.scalars(select(ReminderSent.status)))
    assert statuses == ["sent", "unreachable"]


async def test_opting_back_in_brings_the_nudge(service: CampaignService,
                                               gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    await remind(service, THURSDAY)
    await service.set_reminders(person("U3"), on=True)
    await remind(service, THURSDAY + timedelta(days=7))
    assert sorted(u for u, _, _ in gateway.private) == ["U1", "U3", "U4"]


async def test_someone_who_answered_is_not_nudged_later(service: CampaignService,
                                                        gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    await answer(service, "U1", S2, "eens", at_time=30)
    await answer(service, "U4", S2, "eens", at_time=31)
    assert await remind(service, THURSDAY) == ("0 sent, 0 unreachable, 0 kept for retry, "
                                               "0 resumed")


async def test_no_reminders_in_quiet_hours_or_at_weekends(
        service: CampaignService, gateway: RecordingGateway, db_url: str) -> None:
    await two_open_statements(service)
    evening = THURSDAY + timedelta(hours=9)  # 19:00 in Amsterdam
    saturday = THURSDAY + timedelta(days=2)
    for moment in (evening, saturday):
        assert await remind(service, moment) == "quiet hours or weekend: no reminders"
    assert gateway.private == []
    service.settings = scheduled_settings(db_url, weekends=True, quiet_hours="")
    assert (await remind(service, saturday)).startswith("2 sent")
    assert sorted(u for u, _, _ in gateway.private) == ["U1", "U4"]
