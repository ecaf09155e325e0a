"""Settings: one TOML file, validated once at start-up into frozen values.

Secrets may come from the environment (POSITIE_SLACK_BOT_TOKEN, ...) so the file can be
committed. Every problem is reported as a ConfigError naming the file, the key and the fix.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.settings.catalogue import load_catalogue
from bot.settings.errors import ConfigError
from bot.settings.operations import LoggingSettings, MonitoringSettings
from bot.settings.retention import Duration
from bot.settings.schedule import ScheduleSettings, schedule_problems
from bot.settings.secrets import SECRET_ENV, is_secret, secrets_from_env

DEFAULT_SCALE: tuple[ScaleOption, ...] = (
    ScaleOption(key="helemaal_eens", value=2),
    ScaleOption(key="eens", value=1),
    ScaleOption(key="neutraal", value=0),
    ScaleOption(key="oneens", value=-1),
    ScaleOption(key="helemaal_oneens", value=-2),
    ScaleOption(key="weet_niet", value=None),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleOptionSettings(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    value: float | None = None
    label_nl: str | None = None
    label_en: str | None = None

    def option(self) -> ScaleOption:
        return ScaleOption(
            key=self.key, value=self.value, label_nl=self.label_nl, label_en=self.label_en
        )


class LayerSettings(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label_nl: str
    label_en: str


class CampaignSettings(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    language: Literal["nl", "en"] = "nl"
    timezone: str = "Europe/Amsterdam"
    privacy_threshold: int = Field(default=3, ge=1)
    statements_file: str | None = None
    # The last day of the campaign, and how long after it people's data is kept (AVG):
    # `positie purge` erases it once both have passed.
    ends: date | None = None
    retention: Duration | None = None
    # Whom people can ask about their data (an address of the core team), in /positie privacy.
    privacy_contact: str | None = None
    layers: tuple[LayerSettings, ...] = ()
    scale: tuple[ScaleOptionSettings, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> CampaignSettings:
        keys = [layer.key for layer in self.layers]
        if UNKNOWN_LAYER in keys:
            raise ValueError(f"layer '{UNKNOWN_LAYER}' is built in; remove it from the list")
        if len(set(keys)) != len(keys):
            raise ValueError("layer keys must be unique")
        options = [o.key for o in self.scale]
        if len(set(options)) != len(options):
            raise ValueError("scale option keys must be unique")
        return self

    @property
    def layer_keys(self) -> tuple[str, ...]:
        return tuple(layer.key for layer in self.layers)

    def scale_options(self) -> tuple[ScaleOption, ...]:
        return tuple(o.option() for o in self.scale) or DEFAULT_SCALE


class DatabaseSettings(_Frozen):
    url: str = Field(default="sqlite+aiosqlite:///positie.db", repr=False)  # has the password


Role = Literal["statements", "digest"]


class SlackChannelSettings(_Frozen):
    id: str = Field(pattern=r"^[CGD][A-Z0-9]+$")
    default_layer: str | None = None
    roles: tuple[Role, ...] = ("statements", "digest")


class SlackSettings(_Frozen):
    enabled: bool = False
    # "http": Slack POSTs to slack.port (needs a public HTTPS URL); "socket": Socket Mode, an
    # outbound WebSocket with the app-level token (xapp-...), no inbound URL at all.
    mode: Literal["http", "socket"] = "http"
    bot_token: str = Field(default="", repr=False)
    signing_secret: str = Field(default="", repr=False)
    app_token: str = Field(default="", repr=False)
    # Socket Mode: seconds between pings; a socket silent for 4 of them is reopened.
    socket_ping_interval_seconds: float = Field(default=10.0, gt=0, le=60)
    api_base_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    live_tally: bool = True
    tally_interval_seconds: float = Field(default=5.0, ge=0)
    retries: int = Field(default=3, ge=0, le=10)
    # Slack user ids of the krachtteam: only they may pause and resume the campaign.
    admins: tuple[str, ...] = ()
    channels: tuple[SlackChannelSettings, ...] = ()


class TelegramChatSettings(_Frozen):
    id: int
    answer_mode: Literal["poll", "buttons"] = "buttons"
    default_layer: str | None = None
    roles: tuple[Role, ...] = ("statements", "digest")


class TelegramSettings(_Frozen):
    enabled: bool = False
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
    admins: tuple[int, ...] = ()
    chats: tuple[TelegramChatSettings, ...] = ()


class Settings(_Frozen):
    campaign: CampaignSettings
    database: DatabaseSettings = DatabaseSettings()
    slack: SlackSettings = SlackSettings()
    telegram: TelegramSettings = TelegramSettings()
    # None: nothing happens by itself; admins open statements and post digests by hand.
    schedule: ScheduleSettings | None = None
    monitoring: MonitoringSettings = MonitoringSettings()
    logging: LoggingSettings = LoggingSettings()
    # Directory of the config file: relative paths inside it are resolved against this.
    base_dir: Path = Path(".")

    def statements_path(self) -> Path | None:
        name = self.campaign.statements_file
        return None if name is None else (self.base_dir / name)


def load_settings(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read, merge secrets from `env` and validate; raise ConfigError on any problem."""
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; pass --config with an existing file "
                          "(copy config.example.toml to start)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc}); check its permissions") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax there") from None
    _apply_env_secrets(raw, env)
    try:
        settings = Settings.model_validate({**raw, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    _check_semantics(path, settings)
    return settings


def _apply_env_secrets(raw: dict[str, object], env: Mapping[str, str]) -> None:
    for dotted, value in secrets_from_env(env).items():  # VAR or VAR_FILE
        section, key = dotted.split(".")
        table = raw.setdefault(section, {})
        if isinstance(table, dict):
            table[key] = value


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the configuration:"]
    for error in exc.errors():
        key = _dotted(error["loc"])
        value = "***" if is_secret(key) else error.get("input")
        if error["type"] == "extra_forbidden":
            hint = "unknown key; remove it or check its spelling against config.example.toml"
            close = difflib.get_close_matches(str(error["loc"][-1]), _known_keys(), n=1)
            if close:
                hint += f" (did you mean {close[0]!r}?)"
        elif error["type"] == "missing":
            hint = "required key is missing; add it (see config.example.toml)"
        else:
            hint = f"{error['msg'].removeprefix('Value error, ')} (got {value!r})"
        lines.append(f"  - {key}: {hint}")
    return "\n".join(lines)


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _known_keys() -> list[str]:
    models: list[type[BaseModel]] = [Settings, CampaignSettings, LayerSettings,
                                     ScaleOptionSettings, DatabaseSettings, SlackSettings,
                                     SlackChannelSettings, TelegramSettings,
                                     TelegramChatSettings, ScheduleSettings, MonitoringSettings,
                                     LoggingSettings]
    return sorted({name for model in models for name in model.model_fields})


def _check_semantics(path: Path, settings: Settings) -> None:
    problems: list[str] = []
    known = set(settings.campaign.layer_keys)
    if not known:
        problems.append("campaign.layers: no layers defined; add at least one [[campaign.layers]]")
    channels: list[tuple[str, str | None]] = [
        (f"slack.channels[{i}].default_layer", c.default_layer)
        for i, c in enumerate(settings.slack.channels)
    ] + [
        (f"telegram.chats[{i}].default_layer", c.default_layer)
        for i, c in enumerate(settings.telegram.chats)
    ]
    for key, layer in channels:
        if layer is not None and layer not in known:
            problems.append(f"{key}: unknown layer {layer!r}; use one of {sorted(known)}")
    slack_secrets = ("bot_token", "app_token") if settings.slack.mode == "socket" \
        else ("bot_token", "signing_secret")
    for platform, section, secrets in (
        ("slack", settings.slack, slack_secrets),
        ("telegram", settings.telegram, ("bot_token",)),
    ):
        if not section.enabled:
            continue
        for secret in secrets:
            if not getattr(section, secret):
                var = SECRET_ENV[f"{platform}.{secret}"]
                problems.append(f"{platform}.{secret}: missing while {platform} is enabled; "
                                f"set it in the file, in the environment variable {var}, or "
                                f"in a file named by {var}_FILE")
    tg = settings.telegram
    if tg.enabled and tg.delivery == "webhook" and not (tg.webhook_url and tg.webhook_secret):
        problems.append("telegram.webhook_url / telegram.webhook_secret: both are required for "
                        "delivery = \"webhook\" (secret also via POSITIE_TELEGRAM_WEBHOOK_SECRET)")
    statements = settings.statements_path()
    if statements is not None and not statements.is_file():
        problems.append(f"campaign.statements_file: {statements} does not exist; "
                        "fix the path (relative to the config file)")
    if settings.schedule is not None:
        problems += schedule_problems(settings.schedule, settings.campaign.timezone,
                                      _statement_keys(settings))
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s) in the configuration:\n"
                          + "\n".join(f"  - {p}" for p in problems))


def _statement_keys(settings: Settings) -> list[str] | None:
    """Keys of the statements file, read only when schedule.order lists keys to check."""

    path = settings.statements_path()
    if settings.schedule is None or settings.schedule.order == "catalogue" or path is None:
        return None
    if not path.is_file():
        return None  # reported above as a missing statements_file
    return load_catalogue(path).statement_keys()
