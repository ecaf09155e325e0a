"""scheduling/ decides when and knows APScheduler; it reaches platforms only through bot/.
(The core's own boundaries are in tests/test_architecture.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_scheduling_uses_apscheduler_and_no_adapter() -> None:
    modules = list((ROOT / "scheduling").rglob("*.py"))
    assert any("apscheduler" in imported(p) for p in modules)
    forbidden = {"adapters", "positie", "emulators", "slack_bolt", "slack_sdk", "telegram"}
    assert {p.name: imported(p) & forbidden for p in modules if imported(p) & forbidden} == {}
