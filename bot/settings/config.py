"""Settings: one TOML file, validated once at start-up into frozen values.

Secrets may come from the environment (POSITIE_SLACK_BOT_TOKEN, ...) so the file can be
committed. Every problem is reported as a ConfigError naming the file, the key and the fix.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.settings.catalogue import load_catalogue
from bot.settings.errors import ConfigError
from bot.settings.operations import LoggingSettings, MonitoringSettings
from bot.settings.platform import FrozenSettings, IdentityShape, PlatformSettings, as_written
from bot.settings.problems import describe_errors, known_keys, raw_problems
from bot.settings.retention import Duration
from bot.settings.schedule import ScheduleSettings, schedule_problems
from bot.settings.secrets import SECRET_ENV, secrets_from_env

DEFAULT_SCALE: tuple[ScaleOption, ...] = (
    ScaleOption(key="helemaal_eens", value=2),
    ScaleOption(key="eens", value=1),
    ScaleOption(key="neutraal", value=0),
    ScaleOption(key="oneens", value=-1),
    ScaleOption(key="helemaal_oneens", value=-2),
    ScaleOption(key="weet_niet", value=None),
)

ADVISED_THRESHOLD = 3  # the lowest privacy threshold accepted without allow_low_threshold

Platforms = Sequence[type[PlatformSettings]]


_Frozen = FrozenSettings


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
    # A threshold under ADVISED_THRESHOLD only with this set; start-up log and digests say so.
    # (Declared first: the threshold's check reads it.)
    allow_low_threshold: bool = False
    privacy_threshold: int = Field(default=3, ge=1)
    # Live tally: "options" shows counts per option as last released, "count" only how many.
    tally_detail: Literal["options", "count"] = "options"
    # When a statement's distribution shows: "live" (always, as released), "after_vote"
    # (a person sees it privately once they answered; channels only once it closed),
    # "after_close" (nowhere until it closed; only how many answered).
    results: Literal["live", "after_vote", "after_close"] = "live"
    # The digest's ranked insights (README: how the digest numbers are computed).
    digest_top_n: int = Field(default=3, ge=1, le=10)
    insight_min_cell: int = Field(default=10, ge=1)
    agreement_level: float = Field(default=0.6, gt=0.5, le=1.0)
    statements_file: str | None = None
    # The last day of the campaign, and how long after it people's data is kept (AVG):
    # `positie purge` erases it once both have passed.
    ends: date | None = Field(default=None, strict=False)  # a TOML date or "2027-06-30"
    retention: Duration | None = None
    # Whom people can ask about their data (an address of the core team), in /positie privacy.
    privacy_contact: str | None = None
    layers: tuple[LayerSettings, ...] = ()
    scale: tuple[ScaleOptionSettings, ...] = ()

    @field_validator("privacy_threshold")
    @classmethod
    def _threshold_not_low(cls, k: int, info: ValidationInfo) -> int:
        if k < ADVISED_THRESHOLD and not info.data.get("allow_low_threshold"):
            raise ValueError(f"below {ADVISED_THRESHOLD}, small groups' answers can be worked "
                             f"out; use at least {ADVISED_THRESHOLD}, or set "
                             "campaign.allow_low_threshold = true to accept that")
        return k

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
    def results_while_open(self) -> bool:
        """Whether channels, digests, charts and exports show an open statement's figures."""
        return self.results == "live"

    @property
    def low_threshold(self) -> bool:
        return self.privacy_threshold < ADVISED_THRESHOLD

    @property
    def layer_keys(self) -> tuple[str, ...]:
        return tuple(layer.key for layer in self.layers)

    def scale_options(self) -> tuple[ScaleOption, ...]:
        return tuple(o.option() for o in self.scale) or DEFAULT_SCALE


class DatabaseSettings(_Frozen):
    url: str = Field(default="sqlite+aiosqlite:///positie.db", repr=False)  # has the password


class Settings(_Frozen):
    campaign: CampaignSettings
    database: DatabaseSettings = DatabaseSettings()
    # Every registered platform's section by name, enabled or not (see bot.settings.platform).
    platforms: dict[str, PlatformSettings] = Field(default_factory=dict)
    # None: nothing happens by itself; admins open statements and post digests by hand.
    schedule: ScheduleSettings | None = None
    monitoring: MonitoringSettings = MonitoringSettings()
    logging: LoggingSettings = LoggingSettings()
    # Directory of the config file: relative paths inside it are resolved against this.
    base_dir: Path = Path(".")

    def platform(self, name: str) -> PlatformSettings:
        return self.platforms[name]

    def identities(self) -> dict[str, IdentityShape]:
        """How each registered platform identifies people, by platform name."""
        return {name: section.identity for name, section in self.platforms.items()}

    def enabled_platforms(self) -> list[PlatformSettings]:
        return [section for section in self.platforms.values() if section.enabled]

    def statements_path(self) -> Path | None:
        name = self.campaign.statements_file
        return None if name is None else (self.base_dir / name)


# The core's models, for "did you mean" suggestions (platform sections add theirs).
KEY_MODELS: tuple[type[BaseModel], ...] = (Settings, CampaignSettings, LayerSettings,
                                           ScaleOptionSettings, DatabaseSettings,
                                           ScheduleSettings, MonitoringSettings,
                                           LoggingSettings)


def load_settings(path: Path, env: Mapping[str, str] | None = None, *,
                  platforms: Platforms) -> Settings:
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
    _apply_env_secrets(raw, env, platforms)
    settings = parse_settings(raw, platforms=platforms, source=str(path),
                              base_dir=path.resolve().parent)
    _check_semantics(path, settings)
    return _sqlite_next_to_config(settings)


def _sqlite_next_to_config(settings: Settings) -> Settings:
    """A relative SQLite path counts from the config file's directory, not from wherever
    the process happens to start (under systemd that is /)."""
    try:
        url = make_url(settings.database.url)
    except ArgumentError:
        return settings  # reported when the database is opened, naming database.url
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or Path(database).is_absolute():
        return settings
    absolute = url.set(database=str(settings.base_dir / database))
    return settings.model_copy(update={"database": DatabaseSettings(
        url=absolute.render_as_string(hide_password=False))})


def parse_settings(raw: Mapping[str, Any], *, platforms: Platforms, source: str = "settings",
                   base_dir: Path | None = None) -> Settings:
    """Validate a parsed config: the core keys, and each platform's section by its own
    model; every problem of every section in one ConfigError."""
    raw = as_written(dict(raw))  # type: ignore[assignment]
    reserved = {"base_dir", "platforms"}  # set by positie itself, never by the file
    core = {key: value for key, value in raw.items()
            if key not in _names(platforms) | reserved}
    core["base_dir"] = base_dir if base_dir is not None else Path(".")
    errors: list[tuple[tuple[int | str, ...], ValidationError]] = []
    if reserved & set(raw):
        errors.append(((), ValidationError.from_exception_data("Settings", [
            {"type": "extra_forbidden", "loc": (key,), "input": raw[key]}
            for key in sorted(reserved & set(raw))])))
    sections: dict[str, PlatformSettings] = {}
    for model in platforms:
        try:
            sections[model.name] = model.model_validate(raw.get(model.name, {}))
        except ValidationError as exc:
            errors.append(((model.name,), exc))
    settings = None
    try:
        settings = Settings.model_validate({**core, "platforms": sections})
    except ValidationError as exc:
        errors.insert(0, ((), exc))
    lines = [*describe_errors(errors, known_keys(KEY_MODELS, platforms),
                              secrets=set(secret_keys(platforms))),
             *(f"  - {p}" for p in raw_problems(raw, platforms, core["base_dir"]))]
    if lines or settings is None:
        raise ConfigError(f"{source}: {len(lines)} problem(s) in the configuration:\n"
                          + "\n".join(lines))
    return settings


def _names(platforms: Platforms) -> set[str]:
    return {model.name for model in platforms}


def secret_keys(platforms: Platforms) -> dict[str, str]:
    """Dotted key → environment variable of every secret: the core's and each platform's."""
    return {**SECRET_ENV, **{f"{model.name}.{key}": var for model in platforms
                             for key, var in model.secret_env.items()}}


def _apply_env_secrets(raw: dict[str, object], env: Mapping[str, str],
                       platforms: Platforms) -> None:
    for dotted, value in secrets_from_env(env, secret_keys(platforms)).items():  # VAR or _FILE
        section, key = dotted.split(".")
        table = raw.setdefault(section, {})
        if isinstance(table, dict):
            table[key] = value


def _check_semantics(path: Path, settings: Settings) -> None:
    """What needs the parsed settings: each platform's own rules and the schedule."""
    problems: list[str] = []
    for section in settings.enabled_platforms():
        problems += section.problems()
        problems += section.results_problems(settings.campaign.results)
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
