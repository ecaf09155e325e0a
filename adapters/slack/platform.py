"""Slack's registration: the `[slack]` section and the adapter behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.platform import Platform
from adapters.slack.settings import SlackSettings

if TYPE_CHECKING:  # the service and its store are imported only by who runs an adapter
    from bot.ports import PlatformAdapter
    from bot.service import CampaignService


def build(service: CampaignService, settings: Any) -> PlatformAdapter:
    from adapters.slack.app import SlackAdapter  # bolt takes seconds to import: only here

    return SlackAdapter(service=service, settings=settings)


PLATFORM = Platform(settings=SlackSettings, build=build,
                    library_loggers=("slack_sdk", "slack_bolt"))
