"""Telegram's registration: the `[telegram]` section and the adapter behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.platform import Platform
from adapters.telegram.settings import TelegramSettings

if TYPE_CHECKING:  # the service and its store are imported only by who runs an adapter
    from bot.ports import PlatformAdapter
    from bot.service import CampaignService


def build(service: CampaignService, settings: Any) -> PlatformAdapter:
    from adapters.telegram.app import TelegramAdapter  # heavy import: only when running

    return TelegramAdapter(service=service, settings=settings)


PLATFORM = Platform(settings=TelegramSettings, build=build, library_loggers=("telegram",))
