"""Socket Mode as Slack runs it: `apps.connections.open` with the app-level token hands out a
WebSocket URL; on it Slack sends `hello`, then envelopes (`envelope_id`, `type`, `payload`)
that the app must ack with their envelope_id within 3 seconds, and `disconnect` messages
before it rotates a connection. An envelope not acked when its connection drops goes out
again, with `retry_attempt` raised, on the next connection the app opens.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

JsonDict = dict[str, Any]
ACK_SECONDS = 3.0  # Slack's limit for acknowledging an envelope


class SocketModeError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class Envelope:
    envelope_id: str
    type: str  # "interactive", "slash_commands" or "events_api"
    payload: JsonDict
    accepts_response_payload: bool
    retry_attempt: int = 0
    acked: asyncio.Future[JsonDict | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())

    def message(self) -> str:
        return json.dumps({"envelope_id": self.envelope_id, "type": self.type,
                           "payload": self.payload,
                           "accepts_response_payload": self.accepts_response_payload,
                           "retry_attempt": self.retry_attempt,
                           "retry_reason": "timeout" if self.retry_attempt else ""})


@dataclass
class Ack:
    envelope_id: str
    payload: JsonDict | None
    late: bool  # after Slack's 3 seconds


class SocketModeHub:
    """The Socket Mode side of the emulator: tickets, open sockets, envelopes in flight."""

    def __init__(self, *, app_token: str, app_id: str, socket_url: Callable[[], str]) -> None:
        self.app_token = app_token
        self.app_id = app_id
        self._socket_url = socket_url
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._unacked: dict[str, Envelope] = {}
        self._connected = asyncio.Event()
        self._drop_next = False
        self.connections_opened = 0  # apps.connections.open calls that issued a URL
        self.acks: list[Ack] = []

    # --- apps.connections.open ----------------------------------------------------------------
    def open_connection(self, token: str | None) -> JsonDict:
        if token is None:
            raise SocketModeError("not_authed")
        if token != self.app_token:  # a bot token (xoxb-) is refused, as Slack does
            raise SocketModeError("invalid_auth")
        ticket = secrets.token_hex(8)
        self._tickets.add(ticket)
        self.connections_opened += 1
        return {"ok": True, "url": f"{self._socket_url()}?ticket={ticket}"}

    # --- the WebSocket ----------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)  # a URL is good for one connection
        socket = web.WebSocketResponse(autoping=True)  # pongs the client's pings
        await socket.prepare(request)
        await socket.send_str(json.dumps({
            "type": "hello", "num_connections": len(self._sockets) + 1,
            "debug_info": {"host": "applink-emulator", "approximate_connection_time": 3600},
            "connection_info": {"app_id": self.app_id}}))
        self._sockets.append(socket)
        self._connected.set()
        for envelope in list(self._unacked.values()):  # what the last socket left unacked
            envelope.retry_attempt += 1
            await socket.send_str(envelope.message())
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._ack(json.loads(message.data))
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self._connected.clear()
        return socket

    def _ack(self, data: JsonDict) -> None:
        envelope = self._unacked.pop(str(data.get("envelope_id")), None)
        if envelope is None:
            return  # an ack for something already acked, or never sent
        late = envelope.acked.done()  # the sender stopped waiting
        self.acks.append(Ack(envelope.envelope_id, data.get("payload"), late))
        if not late:
            envelope.acked.set_result(data.get("payload"))

    # --- what tests do ------------------------------------------------------------------------
    @property
    def open_sockets(self) -> int:
        return len(self._sockets)

    async def wait_connected(self, seconds: float = 10.0) -> None:
        await asyncio.wait_for(self._connected.wait(), seconds)

    async def send(self, type_: str, payload: JsonDict, *,
                   ack_within: float = ACK_SECONDS) -> JsonDict | None:
        """Deliver one envelope and wait for its ack; returns the ack's payload (None when
        it had none). Raises TimeoutError when no ack came in `ack_within` seconds, counted
        from when a socket was there to take it."""
        envelope = Envelope(envelope_id=str(uuid.uuid4()), type=type_, payload=payload,
                            accepts_response_payload=type_ != "events_api")
        self._unacked[envelope.envelope_id] = envelope
        await self.wait_connected()
        if self._drop_next:  # the connection breaks as the envelope would go out
            self._drop_next = False
            await self.drop()
        else:
            await self._sockets[-1].send_str(envelope.message())
        try:
            return await asyncio.wait_for(asyncio.shield(envelope.acked), ack_within)
        except TimeoutError:
            envelope.acked.cancel()
            raise

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every open socket to reconnect, as Slack does before rotating a connection."""
        for socket in list(self._sockets):
            await socket.send_str(json.dumps({
                "type": "disconnect", "reason": reason,
                "debug_info": {"host": "applink-emulator"}}))

    async def drop(self) -> None:
        """Close every socket at once, without a word (a network failure, a restart)."""
        for socket in list(self._sockets):
            await socket.close()

    def drop_before_next_envelope(self) -> None:
        self._drop_next = True

    async def close(self) -> None:
        await self.drop()
