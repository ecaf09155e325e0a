"""An emulator of the Telegram Bot API, and the user side that produces updates for it."""

from __future__ import annotations

from emulators.telegram.delivery import WebhookDelivery
from emulators.telegram.ratelimits import RateLimiter, RateLimitPolicy, Window
from emulators.telegram.server import DEFAULT_TOKEN, RecordedCall, TelegramEmulator
from emulators.telegram.state import (
    ChatState,
    EmulatedUser,
    EmulatorState,
    StoredMessage,
    StoredPoll,
    UploadedFile,
)
from emulators.telegram.updates import (
    kick_bot_from,
    user_answers_poll,
    user_blocks_bot,
    user_presses_button,
    user_sends,
    user_starts_bot,
)
from emulators.telegram.wire import UploadedPart

__all__ = [
    "DEFAULT_TOKEN",
    "ChatState",
    "EmulatedUser",
    "EmulatorState",
    "RateLimitPolicy",
    "RateLimiter",
    "RecordedCall",
    "StoredMessage",
    "StoredPoll",
    "TelegramEmulator",
    "UploadedFile",
    "UploadedPart",
    "WebhookDelivery",
    "Window",
    "kick_bot_from",
    "user_answers_poll",
    "user_blocks_bot",
    "user_presses_button",
    "user_sends",
    "user_starts_bot",
]
