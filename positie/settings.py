"""Settings with every registered platform's section: the config as the commands read it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.registry import platform_settings
from bot.settings.config import Settings, load_settings, parse_settings


def load(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate a config file (raises ConfigError naming file, key and fix)."""
    return load_settings(path, env, platforms=platform_settings())


def from_mapping(raw: Mapping[str, Any], *, base_dir: Path | None = None,
                 source: str = "settings") -> Settings:
    """Validate an already parsed config (the demo, tests and benchmarks build these)."""
    return parse_settings(raw, platforms=platform_settings(), source=source, base_dir=base_dir)
