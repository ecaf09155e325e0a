"""The registered chat platforms, in the order they start. A new platform: one line here."""

from __future__ import annotations

from adapters.platform import Platform
from adapters.slack.platform import PLATFORM as SLACK
from adapters.telegram.platform import PLATFORM as TELEGRAM
from bot.settings.platform import PlatformSettings

PLATFORMS: tuple[Platform, ...] = (SLACK, TELEGRAM)


def platform_settings() -> tuple[type[PlatformSettings], ...]:
    """The config sections, for bot.settings.config.load_settings(platforms=...)."""
    return tuple(platform.settings for platform in PLATFORMS)


def by_name(name: str) -> Platform | None:
    return next((p for p in PLATFORMS if p.name == name), None)
