"""SlackUserClient: plays Slack's side of inbound traffic. Clicks and slash commands are built
from the emulator's state, signed with the app's signing secret and POSTed to the bot's URL;
or, in Socket Mode, sent as envelopes over the app's WebSocket and answered by its ack."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from emulators.slack.payloads import (
    block_actions_payload,
    event_callback,
    find_button,
    slash_command_form,
)
from emulators.slack.server import SlackEmulator
from emulators.slack.state import Channel, Message, User

# Slack's own User-Agent on requests to apps.
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class InboundResponse:
    """The bot's HTTP answer to an inbound request."""

    status: int
    body: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackUserClient:
    """Use as `async with SlackUserClient(bot_url=..., signing_secret=..., emulator=...)`;
    one aiohttp session is shared by all requests so benchmarks can send thousands quickly."""

    def __init__(
        self,
        *,
        bot_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        verification_token: str = "emulator-verification-token",
        connection_limit: int = 100,
        socket_mode: bool = False,
        ack_timeout: float = 3.0,
    ) -> None:
        self.bot_url = bot_url  # unused in Socket Mode
        self.socket_mode = socket_mode
        self.ack_timeout = ack_timeout
        self.emulator = emulator
        self._verifier = SignatureVerifier(signing_secret)
        self._verification_token = verification_token
        self._connection_limit = connection_limit
        self._session: aiohttp.ClientSession | None = None
        self._last: tuple[str, str] | None = None  # (body, content type) of the last request

    async def __aenter__(self) -> SlackUserClient:
        self._open_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- what a person does ----------------------------------------------------------------
    async def click_button(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        block_id: str | None = None,
        value: str | None = None,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        signature_override: str | None = None,
    ) -> InboundResponse:
        """Click a button on a channel, DM or ephemeral message the emulator holds. `block_id`
        and `value` default to the button's own; passing them overrides (e.g. stale values)."""
        body = self.click_body(user_id, channel_id, message_ts, action_id, block_id, value)
        return await self.send_signed(
            body,
            content_type=FORM,
            retry_num=retry_num,
            retry_reason=retry_reason,
            timestamp=timestamp,
            signature_override=signature_override,
        )

    def click_body(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        block_id: str | None = None,
        value: str | None = None,
    ) -> str:
        """The form body Slack sends for that click (benchmarks build these ahead of time)."""
        state = self.emulator.state
        channel = self._channel(channel_id)
        message = state.find_message(channel_id, message_ts)
        is_ephemeral = message is None
        if message is None:
            message = state.find_ephemeral(channel_id, user_id, message_ts)
        if message is None:
            raise LookupError(f"no message {message_ts} in {channel_id} visible to {user_id}")
        block_id, element = self._button(message, action_id, block_id, value)
        payload = block_actions_payload(
            state=state,
            user=self._user(user_id),
            channel=channel,
            message=message,
            is_ephemeral=is_ephemeral,
            block_id=block_id,
            element=element,
            value=value if value is not None else element.get("value"),
            response_url=self.emulator.response_url(
                channel_id=channel_id,
                user_id=user_id,
                message_ts=message_ts,
                is_ephemeral=is_ephemeral,
            ),
            verification_token=self._verification_token,
        )
        return urlencode({"payload": json.dumps(payload)})

    async def slash_command(
        self,
        user_id: str,
        channel_id: str,
        command: str,
        text: str = "",
        *,
        timestamp: int | None = None,
        signature_override: str | None = None,
    ) -> InboundResponse:
        form = slash_command_form(
            state=self.emulator.state,
            user=self._user(user_id),
            channel=self._channel(channel_id),
            command=command,
            text=text,
            response_url=self.emulator.response_url(
                channel_id=channel_id, user_id=user_id, message_ts=None, is_ephemeral=True
            ),
            verification_token=self._verification_token,
        )
        return await self.send_signed(
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            timestamp=timestamp,
            signature_override=signature_override,
        )

    async def invite_bot(self, inviter_id: str, channel_id: str) -> InboundResponse:
        """A member invites the bot (/invite @positie): it may post there from now on, and
        Slack tells the app with a member_joined_channel event."""
        channel = self.emulator.state.find_channel(channel_id)
        if channel is None:
            raise LookupError(f"channel {channel_id} does not exist")
        channel.bot_member = True
        state = self.emulator.state
        body = event_callback(state=state, verification_token=self._verification_token,
                              event={"type": "member_joined_channel",
                                     "user": state.bot_user_id, "channel": channel.id,
                                     "channel_type": "G" if channel.is_private else "C",
                                     "team": state.team_id, "inviter": inviter_id})
        return await self.send_signed(json.dumps(body), content_type="application/json")

    # --- transport -------------------------------------------------------------------------
    async def send_signed(
        self,
        body: str,
        *,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        signature_override: str | None = None,
    ) -> InboundResponse:
        """POST `body` with Slack's signature headers over the exact bytes sent (in Socket
        Mode: send it as an envelope and answer with its ack)."""
        self._last = (body, content_type)
        if self.socket_mode:
            return await self._send_envelope(body, content_type)
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = signature_override or self._verifier.generate_signature(
            timestamp=ts, body=body
        )
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or "",
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        session = self._open_session()
        async with session.post(self.bot_url, data=body.encode(), headers=headers) as response:
            return InboundResponse(
                status=response.status, body=await response.text(), headers=dict(response.headers)
            )

    async def redeliver(self, *, retry_num: int = 1,
                        retry_reason: str = "http_timeout") -> InboundResponse:
        """Send the last request again, byte for byte, as Slack does when it retries."""
        if self._last is None:
            raise LookupError("nothing was sent yet")
        body, content_type = self._last
        return await self.send_signed(body, content_type=content_type, retry_num=retry_num,
                                      retry_reason=retry_reason)

    async def _send_envelope(self, body: str, content_type: str) -> InboundResponse:
        """The same request as a Socket Mode envelope: a click's `payload`, a slash command's
        form fields, an event's JSON. 200 with the ack's payload; 504 when no ack came in
        time (Slack shows the person that the app did not respond)."""
        if content_type == FORM:
            form = dict(parse_qsl(body, keep_blank_values=True))
            kind, payload = (("interactive", json.loads(form["payload"])) if "payload" in form
                             else ("slash_commands", dict(form)))
        else:
            kind, payload = "events_api", json.loads(body)
        try:
            ack = await self.emulator.sockets.send(kind, payload, ack_within=self.ack_timeout)
        except TimeoutError:
            return InboundResponse(status=504, body="", headers={})
        return InboundResponse(status=200, body=json.dumps(ack) if ack else "",
                               headers={"Content-Type": "application/json"})

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connection_limit)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    def _user(self, user_id: str) -> User:
        # Unknown people are registered on first use so benchmarks need no roster setup.
        state = self.emulator.state
        return state.users.get(user_id) or state.add_user(user_id, user_id.lower())

    def _channel(self, channel_id: str) -> Channel:
        channel = self.emulator.state.channels.get(channel_id)
        if channel is None:
            raise LookupError(f"no channel {channel_id} in the emulator")
        return channel

    @staticmethod
    def _button(
        message: Message, action_id: str, block_id: str | None, value: str | None
    ) -> tuple[str, dict[str, Any]]:
        found = find_button(message.blocks, action_id, block_id)
        if found is not None:
            return found
        if block_id is None:
            raise LookupError(f"no element {action_id!r} in message {message.ts}")
        # A button gone from the current message: the person clicked the version on screen
        # before an update reached their client; Slack delivers that click.
        text = {"type": "plain_text", "text": action_id, "emoji": True}
        return block_id, {"type": "button", "action_id": action_id, "value": value, "text": text}
