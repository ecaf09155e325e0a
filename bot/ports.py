"""Ports: what the core needs from the outside world, as small Protocols."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.document import Document
from bot.domain import Identity, StatementView


@dataclass(frozen=True, slots=True)
class ChannelTarget:
    """A channel as a gateway needs it."""

    id: int
    external_id: str
    answer_mode: str  # "buttons" or "poll" (Telegram)


@dataclass(frozen=True, slots=True)
class PostRef:
    message_ref: str
    poll_id: str | None = None


@dataclass(frozen=True, slots=True)
class PrivateTarget:
    """A person to message privately (reminders)."""

    identity: Identity
    private_chat_id: str | None = None  # Telegram: the chat where they started the bot


@dataclass(frozen=True, slots=True)
class OutgoingPart:
    """One message of a digest as a gateway renders it for one channel: stored in the outbox
    as it is (JSON payload, bytes for an image), so a rerun sends exactly what is missing."""

    kind: str  # "text" or "chart"
    payload: dict[str, object]
    data: bytes | None = None


class ChannelUnavailable(Exception):
    """The platform says the bot cannot post here (removed, not invited, chat gone).

    The channel is marked inactive and skipped until an admin fixes it.
    """


class DeliveryFailed(Exception):
    """A transient failure after the gateway's own retries; the post is kept for later."""


class ChatGateway(Protocol):
    platform: str
    opt_out_command: str  # what a person sends to stop reminders (shown in each reminder)
    # Whether find_delivered can tell if an earlier attempt arrived (Slack: yes; Telegram's
    # sendMessage leaves no trace to look for, so an attempt in flight may repeat once).
    can_check_delivery: bool
    # Calls this platform gets at once during a fan-out. Rows wait for a slot unclaimed, so
    # a crash leaves at most this many uncertain where the platform cannot check.
    in_flight_limit: int

    async def post_statement(self, channel: ChannelTarget, statement: StatementView, *,
                             key: str) -> PostRef:
        """Post it, tagged with the outbox row's delivery key where the platform allows."""
        ...

    async def find_delivered(self, channel: ChannelTarget, key: str) -> str | None:
        """The message (or file) an earlier attempt with this delivery key left in the
        channel, or None. Only called when can_check_delivery."""
        ...

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        """The digest as this channel's messages, in the order they are to be sent."""
        ...

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        """Send one stored digest part; returns its message (or file) reference."""
        ...

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        ...

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        """A private message, with the statement's answer buttons when given. Raises
        ChannelUnavailable when the person cannot be reached privately."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        ...


class PlatformAdapter(Protocol):
    """One platform's adapter as the composition root runs it."""

    gateway: ChatGateway

    async def start(self) -> object:
        ...

    async def stop(self) -> None:
        ...
