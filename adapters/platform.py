"""What an adapter package registers: its config section and how to build its adapter.

The core learns a platform through its `PlatformSettings` subclass (section, identities,
channels, secrets); the composition root builds and runs the adapter through `build`. A
new platform is a package under adapters/ with a `platform.py`, its emulator, and one line
in `adapters/registry.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.settings.platform import PlatformSettings

if TYPE_CHECKING:  # the service and its store are imported only by who runs an adapter
    from bot.ports import PlatformAdapter
    from bot.service import CampaignService

# Builds the adapter from the service and the platform's own section; imports the platform
# library only when called, so commands that post nothing stay quick to start.
AdapterFactory = Callable[["CampaignService", Any], "PlatformAdapter"]


@dataclass(frozen=True, slots=True)
class Platform:
    settings: type[PlatformSettings]
    build: AdapterFactory
    # Loggers of the platform's libraries: they log request bodies (people's answers) at
    # DEBUG, so they are held at INFO even when positie runs with --verbose.
    library_loggers: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.settings.name
