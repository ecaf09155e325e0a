"""Configuration problems in words a person can act on: the key, what is wrong, the fix.

Validation errors of every section, and the checks that need more than one key (a channel's
layer must be a campaign layer; an enabled platform needs its secrets; the statements file
must exist), are gathered into one list, so a file with several problems of different kinds
is fixed in one go.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.domain import UNKNOWN_LAYER
from bot.settings.platform import PlatformSettings

Located = tuple[tuple[int | str, ...], ValidationError]
UNQUOTED = {"bool_type": "true or false", "int_type": "a whole number",
            "float_type": "a number", "bool_parsing": "true or false",
            "int_parsing": "a whole number"}


def describe_errors(errors: Sequence[Located], keys: Sequence[str], *,
                    secrets: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """One line per problem; a secret's value is never quoted (`secrets`: dotted keys)."""
    lines = []
    for prefix, exc in errors:
        for error in exc.errors():
            loc = (*prefix, *error["loc"])
            value = "***" if _dotted(loc) in secrets else error.get("input")
            if error["type"] == "extra_forbidden":
                hint = "unknown key; remove it or check its spelling against config.example.toml"
                close = difflib.get_close_matches(str(loc[-1]), keys, n=1)
                if close:
                    hint += f" (did you mean {close[0]!r}?)"
            elif error["type"] == "missing":
                hint = "required key is missing; add it (see config.example.toml)"
            else:
                hint = error["msg"].removeprefix("Value error, ")
                if not isinstance(value, Mapping):  # a whole section is no help to quote
                    hint += f" (got {value!r})"
                if error["type"] in UNQUOTED and isinstance(value, str):
                    hint += f"; write {UNQUOTED[error['type']]} without quotes"
            lines.append(f"  - {_dotted(loc)}: {hint}")
    return lines


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def known_keys(core: Sequence[type[BaseModel]],
               platforms: Sequence[type[PlatformSettings]]) -> list[str]:
    models = list(core)
    for platform in platforms:
        models.append(platform)
        for field in platform.model_fields.values():  # its channel model, one level down
            models += [arg for arg in getattr(field.annotation, "__args__", ())
                       if isinstance(arg, type) and issubclass(arg, BaseModel)]
    keys = {name for model in models for name in model.model_fields}
    keys |= {p.name for p in platforms}
    return sorted(keys - {"platforms", "base_dir"})


def raw_problems(raw: Mapping[str, Any], platforms: Sequence[type[PlatformSettings]],
                 base_dir: Path) -> list[str]:
    """Checks across keys, on the file as written: they run even when a key elsewhere has
    the wrong type, so their problems come in the same message."""
    campaign = _table(raw.get("campaign"))
    known = {str(layer.get("key")) for layer in campaign.get("layers") or ()
             if isinstance(layer, Mapping) and layer.get("key") not in (None, UNKNOWN_LAYER)}
    problems = []
    if not known:
        problems.append("campaign.layers: no layers defined; add at least one "
                        "[[campaign.layers]]")
    for model in platforms:
        section = _table(raw.get(model.name))
        for i, channel in enumerate(section.get(model.channels_key) or ()):
            layer = _table(channel).get("default_layer")
            if isinstance(layer, str) and known and layer not in known:
                problems.append(f"{model.name}.{model.channels_key}[{i}].default_layer: "
                                f"unknown layer {layer!r}; use one of {sorted(known)}")
        if section.get("enabled") is True:
            for secret in model.secrets_needed(section):
                if not section.get(secret):
                    var = model.secret_env[secret]
                    problems.append(
                        f"{model.name}.{secret}: missing while {model.name} is enabled; set "
                        f"it in the file, in the environment variable {var}, or in a file "
                        f"named by {var}_FILE")
    statements = campaign.get("statements_file")
    if isinstance(statements, str) and not (base_dir / statements).is_file():
        problems.append(f"campaign.statements_file: {base_dir / statements} does not exist; "
                        "fix the path (relative to the config file)")
    return problems


def _table(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
