"""Fixtures of the Telegram emulator tests: the emulator with one group, and the real client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from emulators.telegram import (
    RateLimitPolicy,
    TelegramEmulator,
)
from tests.emulators.telegram_support import GROUP


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without this, python-telegram-bot 22 warns (PTBDeprecationWarning) while *constructing*
    # RetryAfter; with warnings as errors the 429 would surface as that warning instead.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(rate_limits=RateLimitPolicy.off()) as emu:
        emu.add_chat(GROUP, type="supergroup", title="Beleidsgroep")
        yield emu


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as client:
        yield client
