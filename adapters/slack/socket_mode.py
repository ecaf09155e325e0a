"""Slack over Socket Mode: an outbound WebSocket instead of a public HTTPS endpoint.

slack-bolt's AsyncSocketModeHandler runs the same AsyncApp, listeners and all, on envelopes
from the socket; with process_before_response each envelope is acked after its listener is
done (the position committed), well within Slack's 3 s. The client reconnects by itself when
Slack sends `disconnect` or the socket drops; envelopes left unacked are sent again by Slack.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.settings.errors import ConfigError

log = logging.getLogger(__name__)
REFUSED = ("invalid_auth", "not_authed", "not_allowed_token_type")


class SocketModeConnection:
    def __init__(self, app: AsyncApp, *, app_token: str, ping_interval: float) -> None:
        self._app = app
        self.handler = AsyncSocketModeHandler(app, app_token, ping_interval=ping_interval)

    async def start(self) -> None:
        client = self.handler.client
        try:  # once by hand: a wrong token is an error here, not a reconnect loop forever
            opened = await self._app.client.apps_connections_open(app_token=client.app_token)
        except SlackApiError as exc:
            if exc.response.get("error") in REFUSED:
                raise ConfigError("slack.app_token: Slack does not accept this app-level token; "
                                  "create one with the connections:write scope (Basic "
                                  "Information → App-Level Tokens) and set it in "
                                  "POSITIE_SLACK_APP_TOKEN") from exc
            raise
        client.wss_uri = opened["url"]
        await self.handler.connect_async()
        log.info("Slack: connected over Socket Mode")

    @property
    def connected(self) -> bool:
        client = self.handler.client
        session = client.current_session
        return not client.closed and session is not None and not session.closed

    async def stop(self) -> None:
        await self.handler.close_async()
