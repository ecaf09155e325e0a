"""Logging for the CLI: readable lines or JSON objects (logging.format), secrets masked.

What is logged is decided where it is logged, and nothing logs a person's answer; the
libraries' lines go through positie.log_privacy (wording kept, values withheld); this module
adds a last line of defence for secrets: every configured token, signing secret, webhook
secret and database password is replaced by *** in every record, tracebacks included.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.engine import make_url

from bot.settings.config import Settings
from positie.log_privacy import install as install_privacy_filter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# At DEBUG the platform libraries log whole request bodies, which carry people's answers;
# they stay at INFO even with --verbose.
# Libraries that log request bodies (people's answers) at DEBUG: held at INFO. The
# platforms' own come from the registry (adapters/platform.py: library_loggers).
CHATTY = ("httpx", "aiosqlite")


class _Masking:
    secrets: tuple[str, ...] = ()

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


class MaskingTextFormatter(_Masking, logging.Formatter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(TEXT_FORMAT)
        self.secrets = _usable(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.mask(super().format(record))


class MaskingJsonFormatter(_Masking, JsonFormatter):
    """One JSON object per line: time, level, logger, message (and exc_info, stack_info)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__("{asctime}{levelname}{name}{message}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level",
                                        "name": "logger"})
        self.secrets = _usable(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.mask(super().format(record))


def _usable(secrets: Iterable[str]) -> tuple[str, ...]:
    # Longest first, so a secret containing another is masked whole; very short values
    # would mask ordinary words.
    return tuple(sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True))


def settings_secrets(settings: Settings) -> list[str]:
    """Every configured secret's value, to mask wherever a log line might carry it."""
    secrets = [str(getattr(section, key, "")) for section in settings.platforms.values()
               for key in section.secret_env]
    password = make_url(settings.database.url).password
    return [s for s in [*secrets, password or ""] if s]


def configure_logging(settings: Settings | None, *, verbose: bool = False) -> None:
    """Set up the root logger once; without settings (before the config is read), text."""
    log_settings = settings.logging if settings is not None else None
    secrets = settings_secrets(settings) if settings is not None else []
    json_lines = log_settings is not None and log_settings.format == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingJsonFormatter(secrets) if json_lines
                         else MaskingTextFormatter(secrets))
    install_privacy_filter(handler)  # the libraries' lines keep their wording, not values
    level = "DEBUG" if verbose else (log_settings.level if log_settings else "INFO")
    logging.basicConfig(level=level, handlers=[handler], force=True)
    from adapters.registry import PLATFORMS

    for name in (*CHATTY, *(logger for p in PLATFORMS for logger in p.library_loggers)):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))
    # httpx logs every request URL at INFO, and a Telegram Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
