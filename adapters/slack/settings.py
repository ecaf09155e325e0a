"""The `[slack]` section of the config, and what the core needs to know of Slack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field

from bot.settings.platform import ChannelSettings, IdentityShape, PlatformSettings


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
        workspace_label="workspace (team) id, e.g. T012ABCDE")
    channels_key: ClassVar[str] = "channels"
    secret_env: ClassVar[dict[str, str]] = {
        "bot_token": "POSITIE_SLACK_BOT_TOKEN",
        "signing_secret": "POSITIE_SLACK_SIGNING_SECRET",
    }
    required_secrets: ClassVar[tuple[str, ...]] = ("bot_token", "signing_secret")

    bot_token: str = ""
    signing_secret: str = ""
    # The workspace whose clicks count (T...); empty: the bot token's own, via auth.test.
    team_id: str = Field(default="", pattern=r"^(T[A-Z0-9]+)?$")
    api_base_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    live_tally: bool = True
    tally_interval_seconds: float = Field(default=5.0, ge=0)
    retries: int = Field(default=3, ge=0, le=10)
    # Slack user ids of the krachtteam: only they may pause and resume the campaign.
    admins: tuple[str, ...] = ()
    channels: tuple[SlackChannelSettings, ...] = ()

    def channel_list(self) -> Sequence[ChannelSettings]:
        return self.channels
