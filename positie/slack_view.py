"""Show a Slack message in a terminal roughly as a Slack user sees it (for the demo)."""

from __future__ import annotations

import re
import textwrap
from typing import Any


def _mrkdwn(text: str) -> str:
    text = re.sub(r"\*(.+?)\*", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def message_lines(blocks: list[dict[str, Any]], fallback: str = "") -> list[str]:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(block["text"]["text"].upper())
        elif kind == "section":
            lines.extend(_mrkdwn(block["text"]["text"]).splitlines())
        elif kind == "context":
            for element in block.get("elements", []):
                lines.extend(_mrkdwn(element.get("text", "")).splitlines())
        elif kind == "actions":
            lines.append(" ".join(f"[{e['text']['text']}]" for e in block["elements"]))
        elif kind == "divider":
            lines.append("─" * 40)
    return lines or fallback.splitlines()


def boxed(title: str, lines: list[str]) -> str:
    width = min(100, max([len(title) + 2, *(len(line) for line in lines)]) + 2)
    out = [f"┌─ {title} " + "─" * max(0, width - len(title) - 3) + "┐"]
    for line in lines:
        for chunk in textwrap.wrap(line, width - 2) or [""]:
            out.append(f"│ {chunk.ljust(width - 2)} │")
    out.append("└" + "─" * (width) + "┘")
    return "\n".join(out)
