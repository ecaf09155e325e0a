"""Slack over Socket Mode: an outbound WebSocket instead of a public HTTPS endpoint.

slack-bolt's AsyncSocketModeHandler runs the same AsyncApp, listeners and all, on envelopes
from the socket; with process_before_response each envelope is acked after its listener is
done (the position committed), well within Slack's 3 s. The client reconnects by itself when
Slack sends `disconnect` or the socket drops; envelopes left unacked are sent again by Slack.

Each envelope's payload is typed (adapters/slack/payloads.py) before bolt builds its request,
as the HTTP endpoint does: one that is no payload positie handles, or a click on an action
that is not positie's, is acked and dropped (Slack would only send it again), logged without
its content. A listener that fails (status 5xx) leaves the envelope unacked: Slack redelivers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from adapters.slack.endpoint import PAYLOAD, handled_here
from adapters.slack.payloads import MalformedPayload, parse_payload
from bot.settings.errors import ConfigError

log = logging.getLogger(__name__)
REFUSED = ("invalid_auth", "not_authed", "not_allowed_token_type")


class EnvelopeCheckingClient(SocketModeClient):
    """slack_sdk's client, except that an envelope whose payload is neither an object nor a
    string is acked and dropped: the library would raise (a traceback, and no ack)."""

    async def run_message_listeners(self, message: dict[str, Any], raw_message: str) -> None:
        envelope = message.get("envelope_id")
        if isinstance(envelope, str) and not isinstance(message.get("payload"), dict | str):
            log.warning("acked and dropped a Socket Mode envelope (%s) without a payload object",
                        message.get("type"))
            await self.send_socket_mode_response(SocketModeResponse(envelope))
            return
        await super().run_message_listeners(message, raw_message)


class TypedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's handler, with the payload typed first and nothing of it in the log."""

    def __init__(self, app: AsyncApp, app_token: str, *, ping_interval: float,
                 action_prefixes: tuple[str, ...]) -> None:
        super().__init__(app, app_token, ping_interval=ping_interval)
        self.client = EnvelopeCheckingClient(app_token=app_token, logger=app.logger,
                                             web_client=app.client,
                                             ping_interval=ping_interval)
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]
        self._action_prefixes = action_prefixes

    async def handle(self, client: Any, req: SocketModeRequest) -> None:  # type: ignore[override]
        try:
            payload = parse_payload(req.payload)
        except (MalformedPayload, RecursionError) as exc:
            log.warning("acked and dropped a Socket Mode envelope (%s) that could not be read: "
                        "%s", req.type, exc if isinstance(exc, MalformedPayload) else "too deep")
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
            return
        if not handled_here(payload, self._action_prefixes):
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
            return
        response = await self.app.async_dispatch(AsyncBoltRequest(
            mode="socket_mode", body=req.payload, headers=build_headers(req),
            context={PAYLOAD: payload}))
        if response.status >= 500:  # not acked: Slack sends it again
            log.warning("a Socket Mode envelope (%s) failed (status %s); left for Slack to "
                        "redeliver", req.type, response.status)
            return
        if response.status != 200:  # bolt would log the body; the answer is the same anyway
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
            return
        body = response.body or ""
        if not body:
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
        elif response.headers.get("content-type", [""])[0].startswith("application/json"):
            await client.send_socket_mode_response(SocketModeResponse(
                req.envelope_id, payload=json.loads(body)))
        else:
            await client.send_socket_mode_response(SocketModeResponse(
                req.envelope_id, payload={"text": body}))


class SocketModeConnection:
    def __init__(self, app: AsyncApp, *, app_token: str, ping_interval: float,
                 action_prefixes: tuple[str, ...] = ()) -> None:
        self._app = app
        self.handler = TypedSocketModeHandler(app, app_token, ping_interval=ping_interval,
                                              action_prefixes=action_prefixes)

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
