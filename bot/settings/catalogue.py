"""The statement catalogue: themes and statements in TOML, validated like the config."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.settings.errors import ConfigError


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatementEntry(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    text: str = Field(min_length=1, max_length=1000)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("the text is blank; write the statement, or remove the entry")
        return text.strip()


class ThemeEntry(_Frozen):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    title: str = Field(min_length=1, max_length=300)
    statements: tuple[StatementEntry, ...] = ()


class Catalogue(_Frozen):
    themes: tuple[ThemeEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        seen: set[str] = set()
        for i, theme in enumerate(self.themes):
            for j, statement in enumerate(theme.statements):
                if statement.key in seen:
                    raise ValueError(
                        f"themes[{i}].statements[{j}].key: duplicate statement id "
                        f"{statement.key!r}; every statement needs its own key"
                    )
                seen.add(statement.key)
        theme_keys = [t.key for t in self.themes]
        if len(set(theme_keys)) != len(theme_keys):
            raise ValueError("themes: duplicate theme key; every theme needs its own key")
        return self

    def statement_keys(self) -> list[str]:
        return [s.key for t in self.themes for s in t.statements]


def load_catalogue(path: Path) -> Catalogue:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: statements file not found; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax there") from None
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {exc.error_count()} problem(s) in the statements file:"]
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"]) or "(top level)"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key; remove it (allowed: themes, key, title, statements, text)"
            lines.append(f"  - {key}: {message}")
        raise ConfigError("\n".join(lines)) from None
