"""Reminders as outbox rows: a refusal for now is waited out (the platform's Retry-After),
a failure is kept and sent by the next reminder run, and a reminder a dead process left in
"sending" is taken over; nobody is nudged twice once it arrived."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.domain import StatementView
from bot.ports import PrivateTarget, RetryLater
from bot.service import CampaignService
from bot.store.models import ReminderSent
from tests.scheduling.test_reminders import THURSDAY, remind, two_open_statements
from tests.scheduling.world import RecordingGateway


class Refusing:
    """Refuses the first `times` private messages to one person, then sends as usual."""

    def __init__(self, gateway: RecordingGateway, user: str, error: Exception,
                 times: int) -> None:
        self.send = gateway.send_private
        self.user, self.error, self.left = user, error, times
        self.refused = 0

    async def __call__(self, target: PrivateTarget, text: str,
                       statement: StatementView | None) -> None:
        if target.identity.user_id == self.user and self.left:
            self.left -= 1
            self.refused += 1
            raise self.error
        await self.send(target, text, statement)


async def rows(service: CampaignService) -> list[tuple[str, int]]:
    async with service.db.sessions() as session:
        found = await session.execute(select(ReminderSent.status, ReminderSent.attempts))
        return sorted((status, attempts) for status, attempts in found)


async def test_a_rate_limited_reminder_waits_the_named_time_and_arrives(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    refusing = Refusing(gateway, "U1", RetryLater("ratelimited", seconds=0.05), times=2)
    gateway.send_private = refusing  # type: ignore[method-assign]
    assert await remind(service, THURSDAY) == ("2 sent, 0 unreachable, 0 kept for retry, "
                                               "0 resumed")
    assert refusing.refused == 2
    assert sorted(u for u, _, _ in gateway.private) == ["U1", "U4"]
    assert await rows(service) == [("sent", 1), ("sent", 1)]


async def test_a_failed_reminder_is_kept_and_sent_by_the_next_run(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    refusing = Refusing(gateway, "U1", RuntimeError("upstream 503"), times=1)
    gateway.send_private = refusing  # type: ignore[method-assign]
    assert await remind(service, THURSDAY) == ("1 sent, 0 unreachable, 1 kept for retry, "
                                               "0 resumed")
    assert await rows(service) == [("pending", 1), ("sent", 1)]
    # Too soon: the back-off after a failure has not passed; nothing is sent.
    assert await remind(service, THURSDAY + timedelta(minutes=1)) == (
        "0 sent, 0 unreachable, 0 kept for retry, 0 resumed")
    assert await remind(service, THURSDAY + timedelta(minutes=6)) == (
        "1 sent, 0 unreachable, 0 kept for retry, 1 resumed")
    assert sorted(u for u, _, _ in gateway.private) == ["U1", "U4"]
    assert await rows(service) == [("sent", 1), ("sent", 2)]


async def test_a_reminder_left_sending_by_a_dead_process_is_taken_over(
        service: CampaignService, gateway: RecordingGateway) -> None:
    await two_open_statements(service)
    await remind(service, THURSDAY)
    async with service.db.transaction() as session:  # as a killed process leaves it
        await session.execute(update(ReminderSent).values(status="sending",
                                                          owner="elsewhere:1:gone"))
    gateway.private.clear()
    assert await remind(service, THURSDAY + timedelta(seconds=1)) == (
        "2 sent, 0 unreachable, 0 kept for retry, 2 resumed")
    assert sorted(u for u, _, _ in gateway.private) == ["U1", "U4"]
    assert await rows(service) == [("sent", 2), ("sent", 2)]  # the lost attempt counts
    # Settled now: the next run leaves them alone.
    assert await remind(service, THURSDAY + timedelta(days=7)) == (
        "0 sent, 0 unreachable, 0 kept for retry, 0 resumed")
