"""The `[slack]` section of the config, and what the core needs to know of Slack."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field

from bot.settings.platform import ChannelSettings, IdentityShape, PlatformSettings

SECTION_LIMIT = 3000  # characters of one section block's text


def _user_id(value: str) -> str:
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", value):
        raise ValueError("not a Slack user id; use the member id, e.g. U012ABCDEF (profile → "
                         "⋮ → Copy member ID), not a name or @handle")
    return value


class SlackChannelSettings(ChannelSettings):
    id: str = Field(pattern=r"^[CGD][A-Z0-9]+$")

    def external_id(self) -> str:
        return self.id


class SlackSettings(PlatformSettings):
    name: ClassVar[str] = "slack"
    title: ClassVar[str] = "Slack"
    # A Slack user id is unique within its workspace (team), so people carry both.
    identity: ClassVar[IdentityShape] = IdentityShape(
        user_id_pattern=r"[UW][A-Z0-9]+", user_id_example="U012ABCDEF",
        workspace_label="workspace (team) id, e.g. T012ABCDE",
        workspace_pattern=r"[TE][A-Z0-9]+", email_lookup=True)
    channels_key: ClassVar[str] = "channels"
    secret_env: ClassVar[dict[str, str]] = {
        "bot_token": "POSITIE_SLACK_BOT_TOKEN",
        "signing_secret": "POSITIE_SLACK_SIGNING_SECRET",
        "app_token": "POSITIE_SLACK_APP_TOKEN",
    }
    required_secrets: ClassVar[tuple[str, ...]] = ("bot_token", "signing_secret")

    # "http": Slack POSTs to slack.port (needs a public HTTPS URL); "socket": Socket Mode, an
    # outbound WebSocket with the app-level token (xapp-...), no inbound URL at all.
    mode: Literal["http", "socket"] = "http"
    bot_token: str = Field(default="", repr=False)
    signing_secret: str = Field(default="", repr=False)
    app_token: str = Field(default="", repr=False)
    # The workspace whose clicks and commands count (T...); empty: the bot token's own,
    # learned with auth.test at start-up. Requests from other workspaces change nothing.
    team_id: str = Field(default="", pattern=r"^(T[A-Z0-9]+)?$")
    # Socket Mode: seconds between pings; a socket silent for 4 of them is reopened.
    socket_ping_interval_seconds: float = Field(default=10.0, gt=0, le=60)
    api_base_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    live_tally: bool = True
    tally_interval_seconds: float = Field(default=5.0, ge=0)
    retries: int = Field(default=3, ge=0, le=10)
    # Slack user ids of the krachtteam: only they may pause and resume the campaign.
    admins: tuple[Annotated[str, AfterValidator(_user_id)], ...] = ()
    channels: tuple[SlackChannelSettings, ...] = ()

    def channel_list(self) -> Sequence[ChannelSettings]:
        return self.channels

    @classmethod
    def secrets_needed(cls, section: Mapping[str, object]) -> tuple[str, ...]:
        # Socket Mode signs nothing: the app-level token opens the socket instead.
        if section.get("mode") == "socket":
            return ("bot_token", "app_token")
        return cls.required_secrets

    def statement_problems(self, key: str, text: str) -> list[str]:
        # The statement is one mrkdwn section, bold and escaped: *text* within 3,000.
        shown = len(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) + 2
        if shown > SECTION_LIMIT:
            return [f"text is {shown} characters in Slack's markup; a Slack section holds "
                    f"at most {SECTION_LIMIT}"]
        return []
