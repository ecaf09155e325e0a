"""A channel's lifecycle through the emulators: unreachable, then reached by itself when
the bot is added (and given what it missed); retried with back-off; removed from config."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.publishing.channels import REMOVED
from bot.publishing.sync import sync_settings
from tests.factories import T0, settings
from tests.slack_world import SlackWorld, slack_section
from tests.telegram_world import BUTTONS, POLL, TelegramWorld

S, LATER = "visie-rijk", "visie-gebied"


def state_of(states: list, external_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in states if c.external_id == external_id)


async def test_slack_private_channel_invited_late_gets_what_it_missed(
        slack: SlackWorld) -> None:
    private = slack.emulator.state.find_channel("C0RIJK0001")
    assert private is not None
    private.is_private, private.bot_member = True, False  # not invited yet: invisible
    report = await slack.service.open(S)
    assert (report.posted, report.unavailable) == (1, 1)
    channel = state_of(await slack.service.channel_states(), "C0RIJK0001")
    assert channel.state == "unreachable" and channel.retry_at is not None
    assert slack.emulator.messages("C0RIJK0001") == []

    response = await slack.users.invite_bot("U1", "C0RIJK0001")
    assert response.status == 200
    await slack.settle()
    assert state_of(await slack.service.channel_states(), "C0RIJK0001").state == "reached"
    assert slack.statement_message("C0RIJK0001", S)  # the open statement it missed
    await slack.service.open(LATER)
    assert slack.statement_message("C0RIJK0001", LATER)  # and what comes after


async def test_retries_back_off_and_reach_the_channel_once_possible(
        slack: SlackWorld) -> None:
    service = slack.service
    service.clock = FixedClock(T0)
    private = slack.emulator.state.find_channel("C0RIJK0001")
    assert private is not None
    private.is_private, private.bot_member = True, False
    await service.open(S)
    first = state_of(await service.channel_states(), "C0RIJK0001").retry_at
    assert first == T0 + timedelta(minutes=5)
    assert await service.retry_channels() == []  # not due yet
    service.clock = FixedClock(T0 + timedelta(minutes=6))
    [(_, check)] = await service.retry_channels()
    assert not check.ok and "cannot see" in check.detail
    channel = state_of(await service.channel_states(), "C0RIJK0001")
    assert (channel.failures, channel.retry_at) == (2, T0 + timedelta(minutes=16))
    private.bot_member = True  # invited, but the event was lost: the retry finds out
    [(_, check)] = await service.retry_channels(only="C0RIJK0001")  # an admin: try now
    assert check.ok
    assert state_of(await service.channel_states(), "C0RIJK0001").state == "reached"
    assert slack.statement_message("C0RIJK0001", S)


async def test_a_channel_removed_from_the_config_gets_nothing_more(
        slack: SlackWorld, db_url: str) -> None:
    service = slack.service
    await service.open(S)
    only_mixed = settings(db_url, slack=slack_section(channels=[{"id": "C0MIXED001"}]))
    service.settings = only_mixed
    await sync_settings(service.db, only_mixed)
    removed = state_of(await service.channel_states(), "C0RIJK0001")
    assert (removed.state, removed.reason) == ("removed", REMOVED)
    await service.open(LATER)
    assert slack.statement_message("C0MIXED001", LATER)
    assert all("positie.vote:visie-gebied" not in str(m.blocks)
               for m in slack.emulator.messages("C0RIJK0001"))
    assert await service.retry_channels() == []  # removed is not retried
    both = settings(db_url, slack=slack_section())
    service.settings = both
    await sync_settings(service.db, both)  # listed again
    assert state_of(await service.channel_states(), "C0RIJK0001").state == "reached"


async def test_telegram_group_the_bot_is_added_to_later(telegram: TelegramWorld) -> None:
    world = telegram
    world.emulator.kick_bot_from(BUTTONS)
    await world.settle()
    assert state_of(await world.service.channel_states(), str(BUTTONS)).state == "unreachable"
    report = await world.service.open(S)
    assert report.posted == 2  # the poll group and the gemeente group
    world.emulator.add_bot_to(BUTTONS)
    await world.settle()
    assert state_of(await world.service.channel_states(), str(BUTTONS)).state == "reached"
    assert world.statement_message(BUTTONS, S)
    assert len([p for p in world.emulator.state.polls.values() if p.chat_id == POLL]) == 1
