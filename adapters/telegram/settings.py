"""The `[telegram]` section of the config, and what the core needs to know of Telegram."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from bot.settings.platform import ChannelSettings, IdentityShape, PlatformSettings

CALLBACK_DATA_BYTES = 64  # an inline button's callback_data
MESSAGE_LIMIT = 4096  # characters (UTF-16 code units) of one message


class TelegramChatSettings(ChannelSettings):
    id: int
    answer_mode: Literal["poll", "buttons"] = "buttons"

    def external_id(self) -> str:
        return str(self.id)

    def answer_style(self) -> str:
        return self.answer_mode


class TelegramSettings(PlatformSettings):
    name: ClassVar[str] = "telegram"
    title: ClassVar[str] = "Telegram"
    # Telegram user ids are global numbers: no workspace.
    identity: ClassVar[IdentityShape] = IdentityShape(user_id_pattern=r"[0-9]+",
                                                      user_id_example="123456789")
    channels_key: ClassVar[str] = "chats"
    secret_env: ClassVar[dict[str, str]] = {
        "bot_token": "POSITIE_TELEGRAM_BOT_TOKEN",
        "webhook_secret": "POSITIE_TELEGRAM_WEBHOOK_SECRET",
    }
    required_secrets: ClassVar[tuple[str, ...]] = ("bot_token",)

    bot_token: str = Field(default="", repr=False)
    base_url: str = "https://api.telegram.org/bot"
    delivery: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_secret: str = Field(default="", repr=False)
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=0, le=65535)
    # Long-poll wait per getUpdates call (delivery = "polling"); Telegram allows up to 50.
    poll_timeout_seconds: int = Field(default=10, ge=1, le=50)
    live_tally: bool = True
    tally_interval_seconds: float = Field(default=5.0, ge=0)
    # Retries after a 429 (waited out for the retry_after Telegram names).
    retries: int = Field(default=3, ge=0, le=10)
    # Telegram user ids of the krachtteam (positive numbers; @usernames cannot be used).
    admins: tuple[Annotated[int, Field(gt=0)], ...] = ()
    chats: tuple[TelegramChatSettings, ...] = ()

    def channel_list(self) -> Sequence[ChannelSettings]:
        return self.chats

    def results_problems(self, results: str) -> list[str]:
        """A native poll shows its counts to everyone who voted, at once: it can keep them
        from people who have not voted (after_vote), not from everyone until the close."""
        if results != "after_close":
            return []
        return [f"telegram.chats[{i}].answer_mode: \"poll\" cannot keep results back until a "
                "statement closes (a native Telegram poll shows its counts to whoever voted); "
                "use answer_mode = \"buttons\" in this chat, or campaign.results = "
                "\"after_vote\""
                for i, chat in enumerate(self.chats) if chat.answer_mode == "poll"]

    def statement_problems(self, key: str, text: str) -> list[str]:
        # Button data "v:<key>:#<n>" must fit Telegram's 64 bytes (inbound.vote_data).
        data = len(f"v:{key}:#9".encode())
        problems = []
        if data > CALLBACK_DATA_BYTES:
            problems.append(f"key is {len(key.encode())} bytes; Telegram's answer buttons "
                            f"carry at most {CALLBACK_DATA_BYTES - 5} bytes of key")
        if len(text.encode("utf-16-le")) // 2 > MESSAGE_LIMIT - 200:  # room for the tally
            problems.append(f"text is too long for one Telegram message (at most "
                            f"{MESSAGE_LIMIT - 200} characters with the tally line)")
        return problems

    def problems(self) -> list[str]:
        if self.enabled and self.delivery == "webhook" and not (self.webhook_url
                                                                 and self.webhook_secret):
            return ["telegram.webhook_url / telegram.webhook_secret: both are required for "
                    "delivery = \"webhook\" (secret also via POSITIE_TELEGRAM_WEBHOOK_SECRET)"]
        return []
