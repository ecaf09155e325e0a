"""`positie baseline import` on the command line: a bad workshop file is refused whole (exit
2, every line named, nothing written, the earlier baseline kept), a good one with a layer
under k is stored and the digest shows the shift since the workshop without that cell."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from bot.domain import Identity
from positie.cli import app
from positie.commands.common import settings_from
from positie.wiring import build_runtime
from tests.factories import vote

ROOT = Path(__file__).resolve().parent.parent.parent
STATEMENTS = ROOT / "statements.example.toml"
CONFIG = """
[campaign]
id = "werkplaats"
name = "Werkplaats"
layers = [{{key = "rijk", label_nl = "Rijk", label_en = "National government"}},
          {{key = "waterschap", label_nl = "Waterschap", label_en = "Water authority"}}]

[database]
url = "sqlite+aiosqlite:///{db}"
"""
# Rijk: 2 of 8 agreed (25 %); two from the water authorities: under k = 3.
WORKSHOP = ("\ufeffstelling;laag;positie;aantal\r\n"
            "visie-rijk;Rijk;eens;2\r\nvisie-rijk;rijk;neutraal;3\r\n"
            "visie-rijk;rijk;oneens;3\r\n"
            "visie-rijk;waterschap;helemaal_eens;1\r\nvisie-rijk;waterschap;oneens;1\r\n")


def cli(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "-c", str(config)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def baseline_rows(db: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(
            "SELECT statement_key, layer, option_key, count FROM baseline_cells"))


def test_a_workshop_file_round_trips_into_the_digest(tmp_path: Path) -> None:
    db = tmp_path / "positie.db"
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG.format(db=db), encoding="utf-8")
    assert cli(config, "statements", "import", str(STATEMENTS))[0] == 0
    good = tmp_path / "workshop.csv"
    good.write_text(WORKSHOP, encoding="utf-8", newline="")
    code, output = cli(config, "baseline", "import", str(good), "--date", "2026-07-10")
    assert code == 0, output
    assert output.strip() == ("workshop of 2026-07-10: 10 position(s) on 1 statement(s) from "
                              "5 line(s) (counts)")
    stored = baseline_rows(db)

    bad = tmp_path / "bad.csv"
    bad.write_text("stelling;laag;positie;aantal\nvisie-rijk;gemeente;eens;2\n"
                   "visie-rijk;rijk;eens;twee\n", encoding="utf-8")
    code, output = cli(config, "baseline", "import", str(bad), "--date", "2026-07-10")
    assert code == 2
    assert f"positie: {bad}: 2 problem(s) in the baseline, nothing imported:" in output
    assert "line 2, column layer: unknown layer 'gemeente'; use one of rijk, waterschap" in output
    assert "line 3, column count: 'twee' is not a number of people" in output
    assert baseline_rows(db) == stored  # the earlier baseline stands, untouched

    asyncio.run(_answers(config))
    out = tmp_path / "out"
    code, output = cli(config, "digest", "--dry-run", "--out", str(out))
    assert code == 0, output
    digest = (out / "samenvatting.txt").read_text(encoding="utf-8")
    table = (out / "positie-stellingen.txt").read_text(encoding="utf-8")
    assert "■ Sinds de workshop van 10 juli 2026" in digest
    assert ("Rijk: het meest op “Het Rijk moet de visie op de circulaire economie bepalen; de "
            "regio werkt die uit.”: 25% → 50% eens (+25 procentpunten).") in digest
    assert "Rijk: 25% → 50% eens (+25 procentpunten)" in table
    # The two water-authority people at the workshop: named, never a figure.
    assert "Waterschap: op de workshop onder de privacydrempel; nu 50% eens" in table
    assert "Waterschap: het meest op" not in digest


async def _answers(config: Path) -> None:
    """Six now in each layer (3 agree, 2 neutral, 1 disagree: no small group alike)."""
    runtime = await build_runtime(settings_from(config), with_adapters=False)
    try:
        await runtime.service.open("visie-rijk")
        for layer in ("rijk", "waterschap"):
            for n, option in enumerate(["eens", "eens", "helemaal_eens", "neutraal",
                                        "neutraal", "oneens"]):
                who = Identity("telegram", "", f"{len(layer)}{n}")
                await runtime.service.choose_layer(who, layer)
                await runtime.service.record(vote(who, "visie-rijk", option))
    finally:
        await runtime.close()
