"""Telegram adapter: Telegram HTML, inline buttons and native polls out; poll answers,
button presses and commands in, via python-telegram-bot."""

import os

# python-telegram-bot 22 warns (PTBDeprecationWarning) each time it builds a RetryAfter or
# another object with a duration, unless durations are opted into as timedelta. Set before
# the library builds any; an explicit setting in the environment wins.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.app import TelegramAdapter
from adapters.telegram.gateway import TelegramGateway
from adapters.telegram.ratelimit import Limit, TelegramRateLimiter

__all__ = ["Limit", "TelegramAdapter", "TelegramGateway", "TelegramRateLimiter"]
