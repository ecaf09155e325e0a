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


class ChannelUnavailable(Exception):
    """The platform says the bot cannot post here (removed, not invited, chat gone).

    The channel is marked inactive and skipped until an admin fixes it.
    """


class DeliveryFailed(Exception):
    """A transient failure after the gateway's own retries; the post is kept for later."""


class ChatGateway(Protocol):
    platform: str

    async def post_statement(self, channel: ChannelTarget, statement: StatementView) -> PostRef:
        ...

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        ...

    async def post_digest(self, channel: ChannelTarget, digest: Document,
                          chart_png: bytes | None) -> None:
        ...

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        """A private message, with the statement's answer buttons when given. Raises
        ChannelUnavailable when the person cannot be reached privately."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        ...


class Metrics(Protocol):
    """What the core counts for operators (Prometheus in production). Labels are platforms,
    outcomes and job names only: never a person, an answer or a statement's text."""

    def position(self, platform: str, outcome: str) -> None:
        """One click, poll answer or command handled by record(), with its Outcome."""
        ...

    def duration(self, step: str, seconds: float) -> None:
        """How long one step took ("aggregation", "digest")."""
        ...

    def scheduler_run(self, job: str, outcome: str) -> None:
        ...

    def rate_limited(self, platform: str) -> None:
        """The platform answered HTTP 429 (the adapter waits it out and retries)."""
        ...


class NoMetrics:
    """The default: counts nothing (CLI commands, tests that do not look)."""

    def position(self, platform: str, outcome: str) -> None:
        return None

    def duration(self, step: str, seconds: float) -> None:
        return None

    def scheduler_run(self, job: str, outcome: str) -> None:
        return None

    def rate_limited(self, platform: str) -> None:
        return None
