"""Ports and adapters: the core speaks its own language."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("slack_bolt", "slack_sdk", "telegram", "apscheduler")


def imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path, node.module))
    return found


def test_core_imports_no_platform_library_nor_adapters() -> None:
    leaks = [(p.relative_to(ROOT), m) for p, m in imports("bot")
             if m.split(".")[0] in (*PLATFORMS, "adapters", "scheduling", "positie",
                                    "emulators")]
    assert leaks == []


def test_only_scheduling_imports_apscheduler() -> None:
    users = {p.relative_to(ROOT).parts[0] for pkg in ("bot", "adapters", "positie")
             for p, m in imports(pkg) if m.split(".")[0] == "apscheduler"}
    assert users == set()


def test_adapters_do_not_import_each_other() -> None:
    slack = [m for _, m in imports("adapters/slack") if m.startswith("adapters.telegram")]
    telegram = [m for _, m in imports("adapters/telegram") if m.startswith("adapters.slack")] \
        if (ROOT / "adapters/telegram").exists() else []
    assert slack == [] and telegram == []
