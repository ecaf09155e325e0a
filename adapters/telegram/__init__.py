"""Telegram adapter: Telegram HTML, inline buttons and native polls out; poll answers,
button presses and commands in, via python-telegram-bot.

The adapter classes are loaded on first use, so that reading the config
(`adapters.telegram.settings`) does not import python-telegram-bot.
"""

from __future__ import annotations

import os
from typing import Any

# python-telegram-bot 22 warns (PTBDeprecationWarning) each time it builds a RetryAfter or
# another object with a duration, unless durations are opted into as timedelta. Set before
# the library builds any; an explicit setting in the environment wins.
os.environ.setdefault("PTB_TIMEDELTA", "true")

__all__ = ["Limit", "TelegramAdapter", "TelegramGateway", "TelegramRateLimiter"]


def __getattr__(name: str) -> Any:
    if name == "TelegramAdapter":
        from adapters.telegram.app import TelegramAdapter

        return TelegramAdapter
    if name == "TelegramGateway":
        from adapters.telegram.gateway import TelegramGateway

        return TelegramGateway
    if name in ("Limit", "TelegramRateLimiter"):
        from adapters.telegram import ratelimit

        return getattr(ratelimit, name)
    raise AttributeError(name)
