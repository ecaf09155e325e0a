"""The core team's conclusions: one Markdown file per theme (config `[report] conclusions`).

Rendered with markdown-it-py (CommonMark) with raw HTML off, so a `<script>` in a file is
shown as text, never run; links keep only http(s) and mailto targets (markdown-it's own
validation drops `javascript:` and `data:`). Headings are moved down under the theme's
heading (`#` becomes the level given), so the page's heading order holds.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from bot.settings.config import Settings
from bot.settings.errors import ConfigError


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str, *, top_level: int) -> Markup:
    """Markdown to HTML, raw HTML escaped, `#` rendered as h`top_level` (at most h6)."""
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1]) - 1 + top_level
            token.tag = f"h{min(6, level)}"
    return Markup(md.renderer.render(tokens, md.options, {}))


def load_conclusions(settings: Settings, *, top_level: int) -> dict[str, Markup]:
    """Theme key -> rendered conclusions. The config load checked the files; one that went
    away since is a ConfigError naming it, not a report without it."""
    rendered: dict[str, Markup] = {}
    for theme, name in settings.report.conclusions.items():
        path = Path(settings.base_dir) / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"report.conclusions.{theme}: cannot read {path} ({exc}); fix "
                              "the file or the path in the configuration") from None
        rendered[theme] = render_markdown(text, top_level=top_level)
    return rendered
