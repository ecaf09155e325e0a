"""Secrets the way platforms hand them over: VAR or VAR_FILE, never shown back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.registry import platform_settings
from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings
from bot.settings.config import secret_keys
from bot.settings.errors import ConfigError
from bot.settings.secrets import secrets_from_env
from positie.settings import load as load_settings

SECRET_ENV = secret_keys(platform_settings())  # the core's and every platform's

CONFIG = """
[campaign]
id = "c"
name = "C"
layers = [{key = "rijk", label_nl = "Rijk", label_en = "National"}]

[slack]
enabled = true

[telegram]
enabled = true
delivery = "webhook"
webhook_url = "https://positie.example.nl/telegram/hook"
"""
VALUES = {
    "slack.bot_token": "xoxb-from-a-docker-secret",
    "slack.signing_secret": "signing-from-a-docker-secret",
    "telegram.bot_token": "123456:telegram-from-a-docker-secret",
    "telegram.webhook_secret": "webhook-from-a-docker-secret",
    "database.url": "postgresql+asyncpg://positie:pg-password-secret@db/positie",
}


def secret_files(tmp_path: Path) -> dict[str, str]:
    """One file per secret, as Docker mounts them (written with a trailing newline)."""
    env = {}
    for dotted, value in VALUES.items():
        path = tmp_path / dotted.replace(".", "_")
        path.write_text(value + "\n", encoding="utf-8")
        env[SECRET_ENV[dotted] + "_FILE"] = str(path)
    return env


def test_every_secret_can_come_from_a_file(tmp_path: Path) -> None:
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config, env=secret_files(tmp_path))
    assert SlackSettings.of(settings).bot_token == VALUES["slack.bot_token"]  # newline dropped
    assert SlackSettings.of(settings).signing_secret == VALUES["slack.signing_secret"]
    assert TelegramSettings.of(settings).bot_token == VALUES["telegram.bot_token"]
    assert TelegramSettings.of(settings).webhook_secret == VALUES["telegram.webhook_secret"]
    assert settings.database.url == VALUES["database.url"]
    shown = repr(settings) + str(settings)
    for value in VALUES.values():
        assert value not in shown
    assert "pg-password-secret" not in shown


def test_the_variable_itself_still_works() -> None:
    assert secrets_from_env({"POSITIE_SLACK_BOT_TOKEN": "xoxb-direct"}, SECRET_ENV) == {
        "slack.bot_token": "xoxb-direct"}


def test_both_forms_of_one_secret_is_an_error(tmp_path: Path) -> None:
    env = {**secret_files(tmp_path), "POSITIE_SLACK_BOT_TOKEN": "xoxb-also-direct"}
    with pytest.raises(ConfigError, match="POSITIE_SLACK_BOT_TOKEN and "
                                          "POSITIE_SLACK_BOT_TOKEN_FILE are both set") as error:
        secrets_from_env(env, SECRET_ENV)
    assert "xoxb-also-direct" not in str(error.value)


@pytest.mark.parametrize(("content", "expected"), [
    (None, "does not exist; point it at the file"),
    ("\n", "is empty; put the secret in it"),
    (b"\xff\xfe-not-utf8", "cannot be read (UnicodeDecodeError)"),
])
def test_an_unusable_file_is_named_not_shown(tmp_path: Path, content: str | bytes | None,
                                             expected: str) -> None:
    path = tmp_path / "slack_bot_token"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ConfigError) as error:
        secrets_from_env({"POSITIE_SLACK_BOT_TOKEN_FILE": str(path)}, SECRET_ENV)
    assert str(error.value).startswith(f"POSITIE_SLACK_BOT_TOKEN_FILE: {path}")
    assert expected in str(error.value)


def test_a_secret_of_the_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG.replace("enabled = true\n\n[telegram]",
                                     "enabled = true\nsigning_secret = 987654321987\n\n"
                                     "[telegram]"), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(config, env={})
    assert "slack.signing_secret" in str(error.value)
    assert "987654321987" not in str(error.value)


def test_cli_reports_a_missing_secret_file_with_exit_code_2(tmp_path: Path) -> None:
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "positie", "schedule", "--config", str(config)],
        capture_output=True, text=True, timeout=60,
        env={"POSITIE_SLACK_BOT_TOKEN_FILE": str(tmp_path / "missing"), "PATH": "/usr/bin"})
    assert result.returncode == 2
    assert result.stderr.startswith("positie: POSITIE_SLACK_BOT_TOKEN_FILE: ")
    assert "Traceback" not in result.stderr
