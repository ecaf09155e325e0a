"""Slack over Socket Mode, what HTTP mode cannot show: the bot opens the socket with the
app-level token, acks every envelope in time, answers commands in the ack, and keeps
working when Slack rotates the connection or the connection drops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from adapters.slack import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from bot.store.models import Position, PositionEvent
from emulators.slack import SlackEmulator
from tests.conftest import apply_settings, settings
from tests.slack_world import SlackWorld, slack_section, slack_world

S = "visie-rijk"


@pytest.fixture
async def world(service: CampaignService, db_url: str) -> AsyncIterator[SlackWorld]:
    config = await apply_settings(service, settings(db_url, slack=slack_section()))
    async with slack_world(service, config, socket_mode=True) as w:
        yield w


async def positions(world: SlackWorld) -> list[tuple[str, str]]:
    async with world.service.db.sessions() as session:
        rows = await session.execute(select(Position.option_key, Position.layer))
        return sorted((r.option_key, r.layer) for r in rows)


async def events(world: SlackWorld) -> int:
    async with world.service.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PositionEvent)) or 0)


async def command(world: SlackWorld, text: str, user: str = "U1") -> str:
    response = await world.users.slash_command(user, "C0MIXED001", "/positie", text)
    assert response.status == 200
    return str(response.json()["text"])  # the answer travels in the ack's payload


async def wait_for(condition_holds: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if callable(condition_holds) and condition_holds():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def test_the_bot_opens_the_socket_with_the_app_token(world: SlackWorld) -> None:
    hub = world.emulator.sockets
    assert hub.connections_opened == 1 and hub.open_sockets == 1
    [call] = world.emulator.calls_to("apps.connections.open")
    assert call.headers["Authorization"] == f"Bearer {world.emulator.app_token}"
    assert world.adapter.connected


async def test_the_whole_loop_vote_layer_command_tally(world: SlackWorld) -> None:
    await world.service.open(S)
    assert (await world.click("U1", S, "eens")).status == 200
    await world.settle()
    [prompt] = world.emulator.ephemerals("U1")  # the private answer, via response_url
    assert "Welke overheidslaag" in prompt.text
    assert (await world.users.click_button("U1", "C0MIXED001", prompt.ts,
                                           "positie.layer.gemeente")).status == 200
    for user, option in (("U2", "oneens"), ("U3", "eens")):
        await world.click(user, S, option, channel="C0RIJK0001")
    await world.settle()
    assert await positions(world) == [("eens", "gemeente"), ("eens", "rijk"), ("oneens", "rijk")]
    mine = await command(world, "mijn")
    assert "eens" in mine
    tally = str(world.statement_message("C0RIJK0001", S).blocks)
    assert "3 antwoorden tot nu toe." in tally
    acks = world.emulator.sockets.acks
    assert len(acks) == 5 and not any(a.late for a in acks)  # every envelope acked in time
    assert len({a.envelope_id for a in acks}) == 5


async def test_a_disconnect_message_rotates_the_connection(world: SlackWorld) -> None:
    hub = world.emulator.sockets
    await world.service.open(S)
    await hub.disconnect("refresh_requested")
    await wait_for(lambda: hub.connections_opened == 2 and hub.open_sockets == 1)
    assert (await world.click("U1", S, "oneens")).status == 200
    await world.settle()
    assert await positions(world) == [("oneens", "onbekend")]


async def test_a_dropped_socket_reconnects_without_losing_a_click(world: SlackWorld) -> None:
    hub = world.emulator.sockets
    world.users.ack_timeout = 15.0  # counted from the click: the reconnect is in it
    await world.service.open(S)
    hub.drop_before_next_envelope()  # the socket breaks just as this click goes out
    response = await world.click("U1", S, "helemaal_eens")
    assert response.status == 200
    await world.settle()
    assert hub.connections_opened == 2  # the bot noticed and opened a new socket ...
    assert await positions(world) == [("helemaal_eens", "onbekend")]  # ... the click arrived
    assert await events(world) == 1  # once
    [ack] = hub.acks
    assert not ack.late
    assert world.adapter.connected


async def test_an_envelope_delivered_twice_is_recorded_once(world: SlackWorld) -> None:
    """Slack sends an unacked envelope again on the next connection; the payload is the
    same, so the second delivery is a duplicate."""
    await world.service.open(S)
    await world.click("U1", S, "eens")
    await world.users.redeliver()
    await world.settle()
    assert await events(world) == 1
    assert await positions(world) == [("eens", "onbekend")]


async def test_a_wrong_app_token_is_a_configuration_error(service: CampaignService,
                                                          db_url: str) -> None:
    config = await apply_settings(service, settings(db_url, slack=slack_section()))
    async with SlackEmulator() as emulator:
        slack = SlackSettings.of(config).model_copy(update={"api_base_url": emulator.base_url,
                                                "mode": "socket", "app_token": "xoxb-not-it"})
        adapter = SlackAdapter(service=service, settings=slack)
        try:
            with pytest.raises(ConfigError, match=r"slack\.app_token: Slack does not accept"):
                await adapter.start()
        finally:
            await adapter.stop()
        assert emulator.sockets.open_sockets == 0
