"""`positie digest --dry-run --out DIR`: the digest text and its chart as files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from positie.cli import app
from tests.factories import minimal_config_file

ROOT = Path(__file__).resolve().parent.parent.parent


def test_dry_run_writes_text_and_chart(tmp_path: Path) -> None:
    config = minimal_config_file(tmp_path, name="Testcampagne")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "-c", str(config)]).exit_code == 0
    imported = runner.invoke(app, ["statements", "import",
                                   str(ROOT / "statements.example.toml"), "-c", str(config)])
    assert imported.exit_code == 0, imported.output

    out = tmp_path / "out"
    result = runner.invoke(app, ["digest", "--dry-run", "--out", str(out), "-c", str(config)])

    assert result.exit_code == 0, result.output
    assert str(out / "samenvatting.txt") in result.output
    assert str(out / "samenvatting.png") in result.output
    assert (out / "samenvatting.txt").read_text(encoding="utf-8").startswith(
        "Samenvatting Testcampagne")
    assert (out / "samenvatting.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
