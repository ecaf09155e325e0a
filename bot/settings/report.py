"""The `[report]` section: what `positie report` adds to the figures, from the core team.

`conclusions` maps a theme key to a Markdown file (relative to the config file) with the
core team's own conclusions on that theme, rendered in the report under the theme's heading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# A conclusions file is prose by people: more than this is a mistake (a wrong file named).
MAX_CONCLUSIONS_BYTES = 200_000


class ReportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    conclusions: dict[str, str] = Field(default_factory=dict)  # theme key -> Markdown path


def conclusions_problems(raw: Mapping[str, Any], base_dir: Path) -> list[str]:
    """Each named file exists, is a file, is UTF-8 text and not absurdly large."""
    section = raw.get("report")
    conclusions = section.get("conclusions") if isinstance(section, Mapping) else None
    if not isinstance(conclusions, Mapping):
        return []
    problems = []
    for theme, name in conclusions.items():
        if not isinstance(name, str):
            continue  # the model reports the wrong type
        path = base_dir / name
        where = f"report.conclusions.{theme}"
        if not path.is_file():
            problems.append(f"{where}: {path} does not exist or is not a file; fix the path "
                            "(relative to the config file)")
            continue
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except OSError as exc:
            problems.append(f"{where}: cannot read {path} ({exc.strerror}); check its "
                            "permissions")
        except UnicodeDecodeError as exc:
            problems.append(f"{where}: {path} is not UTF-8 text (byte {exc.start}); save it "
                            "as UTF-8")
        else:
            if len(data) > MAX_CONCLUSIONS_BYTES:
                problems.append(f"{where}: {path} has {len(data)} bytes, more than "
                                f"{MAX_CONCLUSIONS_BYTES}; is it the right file?")
    return problems


def unknown_themes(report: ReportSettings, themes: Sequence[str]) -> list[str]:
    """Conclusions for a theme the catalogue does not have (a typo would hide them)."""
    return [f"report.conclusions.{theme}: no theme {theme!r} in the statements file; use one "
            f"of {sorted(themes)}" for theme in report.conclusions if theme not in themes]
