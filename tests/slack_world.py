"""A Slack world for scenario tests: the emulator, the real bot on HTTP, signed users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from adapters.slack import SlackAdapter
from adapters.slack.settings import SlackSettings
from bot.service import CampaignService
from bot.settings.config import Settings
from emulators.slack import InboundResponse, Message, SlackEmulator, SlackUserClient
from emulators.slack.ratelimits import RateLimitPolicy

SIGNING_SECRET = "test-signing-secret"
CHANNELS = {"C0RIJK0001": "rijk", "C0MIXED001": None}


def slack_section(**overrides: Any) -> dict[str, Any]:
    return {"enabled": True, "bot_token": "xoxb-positie-emulator",
            "signing_secret": SIGNING_SECRET, "tally_interval_seconds": 0.05,
            "channels": [{"id": c, "default_layer": layer} for c, layer in CHANNELS.items()],
            **overrides}


@dataclass
class SlackWorld:
    emulator: SlackEmulator
    adapter: SlackAdapter
    users: SlackUserClient
    service: CampaignService
    socket_mode: bool = False

    def statement_message(self, channel: str, statement_key: str) -> Message:
        for message in self.emulator.messages(channel):
            if any(b.get("block_id") == f"positie.vote:{statement_key}"
                   for b in message.blocks):
                return message
        raise AssertionError(f"statement {statement_key} not in {channel}")

    async def click(self, user: str, statement_key: str, option: str, *,
                    channel: str = "C0MIXED001", **kwargs: Any) -> InboundResponse:
        message = self.statement_message(channel, statement_key)
        return await self.users.click_button(user, channel, message.ts,
                                             f"positie.vote.{option}", **kwargs)

    async def settle(self) -> None:
        await self.adapter.drain()

    def replies_to(self, user: str) -> list[str]:
        return [m.text for m in self.emulator.ephemerals(user)]


@asynccontextmanager
async def slack_world(service: CampaignService, settings: Settings,
                      *, rate_limits: bool = False, policy: RateLimitPolicy | None = None,
                      socket_mode: bool = False) -> AsyncIterator[SlackWorld]:
    """Over HTTP (signed requests to the bot's endpoint) or, with socket_mode, over Socket
    Mode (envelopes on the WebSocket the bot opens to the emulator, acked by the bot)."""
    async with SlackEmulator(rate_limits=rate_limits, rate_limit_policy=policy) as emulator:
        for channel in CHANNELS:
            emulator.add_channel(channel, channel.lower())
        update: dict[str, Any] = {"api_base_url": emulator.base_url}
        if socket_mode:  # short pings: a dropped socket is noticed within a second
            update.update(mode="socket", app_token=emulator.app_token,
                          socket_ping_interval_seconds=0.2)
        slack = SlackSettings.of(settings).model_copy(update=update)
        adapter = SlackAdapter(service=service, settings=slack)
        service.gateways["slack"] = adapter.gateway
        port = await adapter.start(host="127.0.0.1", port=0)
        try:
            async with SlackUserClient(bot_url=f"http://127.0.0.1:{port}/slack/events",
                                       signing_secret=SIGNING_SECRET, emulator=emulator,
                                       socket_mode=socket_mode) as users:
                yield SlackWorld(emulator=emulator, adapter=adapter, users=users,
                                 service=service, socket_mode=socket_mode)
        finally:
            await adapter.stop()
