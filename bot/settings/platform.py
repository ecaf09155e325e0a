"""What the core knows of a chat platform: the base of its config section.

Each adapter package subclasses `PlatformSettings` for its own section (`[slack]`,
`[telegram]`, …) and fills in the class-level facts below: how its people are identified,
how its channels are listed, which secrets it needs. The core iterates over the registered
sections and never names a platform itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, model_validator

Role = Literal["statements", "digest"]


class FrozenSettings(BaseModel):
    """Settings as written: unknown keys refused, nothing changed after validation, and
    strict types, so that `enabled = "false"` is an error rather than True or False."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def as_written(raw: object) -> object:
    """TOML's arrays as tuples (strict validation takes tuples for tuple fields)."""
    if isinstance(raw, dict):
        return {key: as_written(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return tuple(as_written(item) for item in raw)
    return raw


@dataclass(frozen=True, slots=True)
class IdentityShape:
    """How a platform identifies a person, for rosters and erasure requests."""

    user_id_pattern: str  # a regular expression the whole user id must match
    user_id_example: str
    # The workspace (Slack team) a user id is unique in; None where ids are global.
    workspace_label: str | None = None
    workspace_pattern: str | None = None  # a regular expression for the workspace id
    # Whether the platform can find a person by e-mail address (a roster's `email` column).
    email_lookup: bool = False

    @property
    def workspace_scoped(self) -> bool:
        return self.workspace_label is not None


class ChannelSettings(FrozenSettings):
    """One channel or chat of a platform's section: what the core stores of it."""

    default_layer: str | None = None
    roles: tuple[Role, ...] = ("statements", "digest")

    def external_id(self) -> str:
        raise NotImplementedError

    def answer_style(self) -> str:
        """How people answer here ("buttons", or "poll" where a platform has native polls)."""
        return "buttons"


class PlatformSettings(FrozenSettings):
    """A platform's config section. Subclasses add their own keys and set the class facts."""

    name: ClassVar[str]  # the section name, and the platform in identities and channels
    title: ClassVar[str]  # how people write it: "Slack"
    identity: ClassVar[IdentityShape]
    channels_key: ClassVar[str]  # the key of its channel list, for error messages
    # Secret keys of the section and the environment variables that may supply them.
    secret_env: ClassVar[Mapping[str, str]]
    required_secrets: ClassVar[tuple[str, ...]]

    enabled: bool = False

    def channel_list(self) -> Sequence[ChannelSettings]:
        raise NotImplementedError

    @classmethod
    def secrets_needed(cls, section: Mapping[str, object]) -> tuple[str, ...]:
        """The secrets an enabled section needs, judged on the section as written."""
        return cls.required_secrets

    def problems(self) -> list[str]:
        """Platform-specific problems beyond the field types, each "key: what to do"."""
        return []

    def results_problems(self, results: str) -> list[str]:
        """Why this platform cannot honour `campaign.results` (live, after_vote,
        after_close) in its channels as configured, each "key: what to do"."""
        return []

    def statement_problems(self, key: str, text: str) -> list[str]:
        """Why this platform could never post a statement with this key or text (its
        message and button limits), each as "what is too long; the limit"."""
        return []

    @model_validator(mode="after")
    def _channels_once(self) -> Self:
        ids = [channel.external_id() for channel in self.channel_list()]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"{self.channels_key}: {', '.join(twice)} listed more than once; "
                             "list each channel once (give it both roles if it needs both)")
        return self

    @classmethod
    def of(cls, settings: HasPlatforms) -> Self:
        """This platform's section of the settings, typed as the subclass."""
        section = settings.platform(cls.name)
        if not isinstance(section, cls):
            raise TypeError(f"settings were read without the {cls.name} platform registered")
        return section


class HasPlatforms(Protocol):
    def platform(self, name: str) -> PlatformSettings:
        ...
