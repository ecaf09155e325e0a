"""`positie demo` as the README's first command runs it: the whole loop, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_demo_runs_the_whole_loop(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    demo = subprocess.run([sys.executable, "-m", "positie", "demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    for line in ("forged request answered HTTP 401, nothing recorded",
                 "each recorded once",
                 "nothing about them is left in the database",
                 "one digest for both platforms, posted to both"):
        assert line in demo.stdout, line
    assert (out / "samenvatting.txt").read_text(encoding="utf-8").startswith("Samenvatting")
    assert (out / "samenvatting.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # The report of the demo's campaign, as `positie report` writes it.
    assert '<html lang="nl">' in (out / "positie-rapport.html").read_text(encoding="utf-8")
    assert (out / "positie-rapport.pdf").read_bytes().startswith(b"%PDF-")
