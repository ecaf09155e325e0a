"""The emulator's Socket Mode, through slack_sdk's own Socket Mode client: the handshake
with the app-level token, envelopes and acks, redelivery after a drop, disconnect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from emulators.slack import SlackEmulator


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator() as slack:
        yield slack


def client_for(emulator: SlackEmulator, received: list[SocketModeRequest], *,
               ack: bool = True) -> SocketModeClient:
    web = AsyncWebClient(base_url=emulator.base_url)
    client = SocketModeClient(app_token=emulator.app_token, web_client=web, ping_interval=0.2)

    async def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        if ack:
            await client.send_socket_mode_response(SocketModeResponse(
                envelope_id=request.envelope_id, payload={"text": "ok"}))

    client.socket_mode_request_listeners.append(listener)  # type: ignore[arg-type]
    return client


async def test_only_the_app_level_token_opens_a_connection(emulator: SlackEmulator) -> None:
    web = AsyncWebClient(base_url=emulator.base_url)
    with pytest.raises(SlackApiError) as error:
        await web.apps_connections_open(app_token=emulator.bot_token)
    assert error.value.response["error"] == "invalid_auth"
    opened = await web.apps_connections_open(app_token=emulator.app_token)
    assert opened["url"].startswith("ws://127.0.0.1:") and "ticket=" in opened["url"]


async def test_an_envelope_is_delivered_and_its_ack_returned(emulator: SlackEmulator) -> None:
    received: list[SocketModeRequest] = []
    client = client_for(emulator, received)
    await client.connect()
    try:
        ack = await emulator.sockets.send("slash_commands", {"command": "/positie",
                                                             "text": "help"})
        assert ack == {"text": "ok"}
        [request] = received
        assert (request.type, request.payload["command"]) == ("slash_commands", "/positie")
        assert request.accepts_response_payload is True
    finally:
        await client.close()


async def test_an_unacked_envelope_comes_again_on_the_next_connection(
        emulator: SlackEmulator) -> None:
    received: list[SocketModeRequest] = []
    silent = client_for(emulator, received, ack=False)
    await silent.connect()
    with pytest.raises(TimeoutError):
        await emulator.sockets.send("interactive", {"type": "block_actions"}, ack_within=0.3)
    await silent.close()
    await asyncio.sleep(0.1)
    assert emulator.sockets.open_sockets == 0
    # The sender gave up (the person saw an error), but Slack still holds the envelope.
    answering = client_for(emulator, received)
    await answering.connect()
    try:
        for _ in range(100):
            if emulator.sockets.acks:
                break
            await asyncio.sleep(0.02)
        first, again = received
        assert first.envelope_id == again.envelope_id
        assert again.retry_attempt == 1
        [ack] = emulator.sockets.acks
        assert ack.late
    finally:
        await answering.close()


async def test_disconnect_makes_the_client_open_a_new_socket(emulator: SlackEmulator) -> None:
    received: list[SocketModeRequest] = []
    client = client_for(emulator, received)
    await client.connect()
    try:
        await emulator.sockets.disconnect("refresh_requested")
        for _ in range(200):
            if emulator.sockets.connections_opened == 2 and emulator.sockets.open_sockets == 1:
                break
            await asyncio.sleep(0.02)
        assert emulator.sockets.connections_opened == 2
        assert await emulator.sockets.send("events_api", {"type": "event_callback"}) == \
            {"text": "ok"}
    finally:
        await client.close()
