"""Inbound Slack payloads as typed values, validated before any listener sees them.

Slack adds fields over time, so unknown fields are kept (extra="allow"); what positie reads
must be there and have the right shape: a click names one action, a user with an id, the
team; a command names its user and team; an event its team and kind. Anything else is
refused (HTTP 400; in Socket Mode acked and dropped), so no listener ever sees None (or a
list, or a number) where an id belongs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

# Slack ids: an upper-case letter and digits (U012AB3CD, T0POSITIE, C0RIJK0001, E..., W...).
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,39}$")]
SlackTs = Annotated[str, StringConstraints(pattern=r"^\d{1,12}(\.\d{1,9})?$")]
ShortText = Annotated[str, StringConstraints(max_length=2000)]
# Where the answer to a click or command goes: Slack's hooks URL (printable ASCII only).
ResponseUrl = Annotated[str, StringConstraints(pattern=r"^https?://[!-~]{1,2000}$")]


class _Slack(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class _BoltReads(_Slack):
    """Fields bolt itself inspects on every request (slack_bolt/request/internals.py): of a
    type it can handle, or absent."""

    enterprise: str | dict[str, Any] | None = None
    enterprise_id: str | None = None
    authorizations: list[dict[str, Any]] | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | str | None = None
    event: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None
    context_team_id: str | None = None
    context_enterprise_id: str | None = None
    bot_access_token: str | None = None
    function_execution_id: str | None = None
    thread_ts: str | None = None


class UserRef(_Slack):
    id: SlackId
    team_id: SlackId | None = None


class TeamRef(_Slack):
    id: SlackId


class ChannelRef(_Slack):
    id: SlackId


class Container(_Slack):
    type: ShortText
    channel_id: SlackId | None = None
    message_ts: SlackTs | None = None
    is_ephemeral: bool = False


class Action(_Slack):
    action_id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    action_ts: SlackTs
    value: ShortText = ""


class BlockActions(_BoltReads):
    type: Literal["block_actions"]
    user: UserRef
    team: TeamRef | None = None
    # Slack sends one action per click; more would be a forgery or a future format.
    actions: Annotated[list[Action], Field(min_length=1, max_length=1)]
    channel: ChannelRef | None = None
    container: Container | None = None
    response_url: ResponseUrl | None = None
    user_id: str | None = None  # top-level ids bolt also looks for
    channel_id_field: str | None = Field(default=None, alias="channel_id")
    team_id_field: str | None = Field(default=None, alias="team_id")

    @property
    def team_id(self) -> str | None:
        return self.user.team_id or (self.team.id if self.team else None)

    @property
    def channel_id(self) -> str | None:
        if self.channel is not None:
            return self.channel.id
        return self.container.channel_id if self.container else None


class SlashCommand(_BoltReads):
    command: Annotated[str, StringConstraints(pattern=r"^/[a-z0-9_-]{1,32}$")]
    text: ShortText = ""
    user_id: SlackId
    team_id: SlackId
    channel_id: SlackId | None = None
    response_url: ResponseUrl | None = None


class SslCheck(_Slack):
    ssl_check: Literal["1"]


class UrlVerification(_Slack):
    type: Literal["url_verification"]
    challenge: ShortText


class EventBody(_Slack):
    type: ShortText
    user: SlackId | None = None
    channel: SlackId | None = None


class EventCallback(_BoltReads):
    """An Events API delivery (positie listens to member_joined_channel)."""

    type: Literal["event_callback"]
    team_id: SlackId
    event: EventBody  # type: ignore[assignment]  # narrower than _BoltReads' dict


Inbound = BlockActions | SlashCommand | SslCheck | UrlVerification | EventCallback


class MalformedPayload(ValueError):
    """The body is no payload positie handles; the message says which part (no values)."""


def parse_payload(body: Any) -> Inbound:
    """The typed payload of a (signed) request body already decoded from JSON."""
    if not isinstance(body, dict):
        raise MalformedPayload(f"the body is a JSON {type(body).__name__}, not an object")
    kind: type[_Slack]
    if body.get("type") == "block_actions":
        kind = BlockActions
    elif "command" in body:
        kind = SlashCommand
    elif "ssl_check" in body:
        kind = SslCheck
    elif body.get("type") == "url_verification":
        kind = UrlVerification
    elif body.get("type") == "event_callback":
        kind = EventCallback
    else:
        raise MalformedPayload("a payload of a type positie does not handle")
    try:
        return kind.model_validate(body)  # type: ignore[return-value]
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        raise MalformedPayload(f"{kind.__name__}: invalid {', '.join(fields[:5])}") from None
