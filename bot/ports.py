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
    as it is (JSON payload, bytes for an image or file), so a rerun sends exactly what is
    missing."""

    kind: str  # "text", "chart" or "file"
    payload: dict[str, object]
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One line of `positie doctor`: what was checked, whether it is fine, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


class ChannelUnavailable(Exception):
    """The platform says the bot cannot post here (removed, not invited, chat gone).

    The channel is marked inactive and skipped until an admin fixes it.
    """


class DeliveryFailed(Exception):
    """A transient failure after the gateway's own retries; the post is kept for later.

    `may_have_arrived`: the platform gave no answer (a timeout), so the message may be
    there; otherwise the platform refused it and nothing arrived.
    """

    def __init__(self, message: str, *, may_have_arrived: bool = False) -> None:
        super().__init__(message)
        self.may_have_arrived = may_have_arrived


class RetryLater(DeliveryFailed):
    """The platform refused for now (rate limited) and said how long to wait."""

    def __init__(self, message: str, *, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


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

    async def find_delivered(self, channel: ChannelTarget, key: str, *,
                             part: OutgoingPart | None = None,
                             after: str | None = None) -> str | None:
        """The message (or file) an earlier attempt with this delivery key left in the
        channel, or None. For a digest part: the part, and the reference of the digest's
        last text part before it. Only called when can_check_delivery."""
        ...

    async def close_statement(self, channel: ChannelTarget, post: PostRef,
                              statement: StatementView) -> None:
        ...

    async def reopen_statement(self, channel: ChannelTarget, post: PostRef,
                               statement: StatementView) -> PostRef:
        """Answer buttons back on a closed statement's message; returns where it now is
        (a stopped native poll cannot be reopened: a new one replaces it)."""
        ...

    async def refresh_statement(self, channel: ChannelTarget, post: PostRef,
                                statement: StatementView) -> None:
        """Show the statement's current tally in its post (a native poll keeps its own).
        Raises RetryLater when the platform says when to try again."""
        ...

    def digest_parts(self, channel: ChannelTarget, digest: Document,
                     chart_png: bytes | None) -> list[OutgoingPart]:
        """The digest as this channel's messages, in the order they are to be sent."""
        ...

    async def send_part(self, channel: ChannelTarget, part: OutgoingPart, *, key: str) -> str:
        """Send one stored digest part; returns its message (or file) reference. Raises
        RetryLater when the platform says when to try again."""
        ...

    async def can_post(self, channel: ChannelTarget) -> Check:
        """Whether the bot is in this channel and may post there (the fix if not)."""
        ...

    async def send_private(self, target: PrivateTarget, text: str,
                           statement: StatementView | None) -> None:
        """A private message, with the statement's answer buttons when given. Raises
        ChannelUnavailable when the person cannot be reached privately, RetryLater when the
        platform says when to try again."""
        ...


class LookupFailed(Exception):
    """A platform did not answer a lookup (after its retries); asking again later may work."""


class PeopleDirectory(Protocol):
    """Finding a person by e-mail address, where a platform can (Slack: users.lookupByEmail)."""

    async def find_by_email(self, email: str) -> Identity | None:
        """The person with this address, or None when the platform has nobody (active) with
        it. Raises ConfigError when the platform refuses lookups until an admin acts (a
        missing permission), LookupFailed when it did not answer."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        ...


class PlatformAdapter(Protocol):
    """One platform's adapter as the composition root runs it."""

    gateway: ChatGateway
    directory: PeopleDirectory | None  # None where the platform cannot look people up

    @property
    def connected(self) -> bool:
        """For readiness: the platform's connection (socket, polling, webhook) is up."""
        ...

    async def check_credentials(self) -> None:
        """Raise ConfigError when the platform refuses the configured token."""
        ...

    async def diagnose(self) -> list[Check]:
        """The token, then each configured channel: is the bot in it, may it post."""
        ...

    async def start(self) -> object:
        ...

    async def stop(self) -> None:
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
