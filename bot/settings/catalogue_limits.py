"""A catalogue checked against every enabled platform's limits, before anything is stored.

A statement whose key or text a platform can never post would stay "kept for retry" for
ever; it is refused at import instead, with the platform, the statement and the limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.settings.catalogue import Catalogue
from bot.settings.errors import ConfigError
from bot.settings.platform import PlatformSettings


def check_catalogue(path: Path, catalogue: Catalogue,
                    platforms: Sequence[PlatformSettings]) -> None:
    problems = [
        f"themes[{i}].statements[{j}] ({statement.key}): {platform.title}: {problem}"
        for i, theme in enumerate(catalogue.themes)
        for j, statement in enumerate(theme.statements)
        for platform in platforms
        for problem in platform.statement_problems(statement.key, statement.text)]
    if problems:
        raise ConfigError(f"{path}: {len(problems)} statement(s) cannot be posted on every "
                          "enabled platform, nothing imported; shorten them:\n"
                          + "\n".join(f"  - {p}" for p in problems))
