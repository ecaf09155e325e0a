"""Reminders as Slack DMs whose buttons record a position, and the /positie commands for
reminders and pausing, end to end through the Slack emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.admin.actions import admin_action
from bot.service import CampaignService
from bot.store.models import Position, Statement
from scheduling import send_due_reminders
from tests.factories import apply_settings, settings
from tests.scheduling.world import SCHEDULE
from tests.slack_world import SlackWorld, slack_section, slack_world

S1, S2 = "visie-rijk", "visie-gebied"
THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
async def world(service: CampaignService, db_url: str) -> AsyncIterator[SlackWorld]:
    config = await apply_settings(service, settings(
        db_url, slack=slack_section(admins=["UADMIN"]), schedule=SCHEDULE))
    async with slack_world(service, config) as w:
        yield w


async def command(world: SlackWorld, user: str, text: str) -> str:
    """The answer to a command: the ack's text, or for an admin command (acknowledged at
    once, done in the background) the ephemeral reply through the response_url."""
    await world.settle()  # earlier replies (a vote's confirmation) are in before we count
    before = len(world.replies_to(user))
    response = await world.users.slash_command(user, "C0MIXED001", "/positie", text)
    assert response.status == 200
    if admin_action(text.split()[0]) is None:
        return response.body  # bolt answers an ack with only text as plain text
    await world.settle()
    [reply] = world.replies_to(user)[before:]
    return reply


async def test_a_reminder_dm_carries_buttons_that_record_the_position(
        world: SlackWorld) -> None:
    service = world.service
    await service.open(S1)
    for user in ("U1", "U2"):
        await world.click(user, S1, "eens")
    assert "geen herinneringen meer" in (await command(world, "U2", "stop")).lower()
    await service.open(S2)
    await world.settle()
    assert (await send_due_reminders(service, now=THURSDAY, slot=THURSDAY)).startswith("1 sent")
    assert world.emulator.dm_channel("U2") is None  # opted out
    dm = world.emulator.dm_channel("U1")
    assert dm is not None
    [reminder] = world.emulator.messages(dm)
    assert "/positie stop" in reminder.text
    response = await world.users.click_button("U1", dm, reminder.ts, "positie.vote.oneens")
    assert response.status == 200
    await world.settle()
    async with service.db.sessions() as session:
        answered = await session.scalar(
            select(Position.option_key).join(Statement, Statement.id == Position.statement_id)
            .where(Statement.key == S2))
    assert answered == "oneens"
    assert "oneens" in world.replies_to("U1")[-1]
    assert "herinneringen" in (await command(world, "U2", "start")).lower()


async def test_only_admins_pause_and_resume(world: SlackWorld) -> None:
    assert "krachtteam" in await command(world, "U1", "pauze")
    assert not await world.service.is_paused()
    assert "gepauzeerd" in await command(world, "UADMIN", "pauze")
    assert await world.service.is_paused()
    assert "al gepauzeerd" in await command(world, "UADMIN", "pauze")
    assert "hervat" in await command(world, "UADMIN", "hervat")
    assert not await world.service.is_paused()
    assert "/positie stop" in await command(world, "U1", "help")
