"""The workbook's shift since the workshop: per layer the workshop, now and the shift, a
workshop cell under k hidden as everywhere."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.insight.baseline_file import read_baseline
from bot.insight.baseline_import import import_baseline, statement_keys
from bot.insight.exports import ExportRequest
from bot.service import CampaignService
from bot.settings.config import DEFAULT_SCALE
from tests.factories import T0, person, vote

LAYERS = ("rijk", "provincie", "gemeente", "waterschap")


async def test_shift_sheet_from_the_baseline(service: CampaignService, tmp_path: Path) -> None:
    path = tmp_path / "workshop.csv"
    path.write_text("statement;layer;option;count\n"
                    "visie-rijk;rijk;eens;1\nvisie-rijk;rijk;oneens;2\n"
                    "visie-rijk;rijk;neutraal;2\n"
                    "visie-rijk;waterschap;eens;1\nvisie-rijk;waterschap;oneens;1\n"
                    "visie-rijk;provincie;oneens;4\n", encoding="utf-8")
    baseline = read_baseline(path, statements=await statement_keys(service.db, "test"),
                             layers=LAYERS, scale=DEFAULT_SCALE,
                             workshop_date=date(2026, 7, 10))
    await import_baseline(service.db, "test", baseline, now=T0)
    await service.open("visie-rijk")
    for i, option in enumerate(["eens", "eens", "helemaal_eens", "neutraal", "neutraal",
                                "oneens"]):
        await service.choose_layer(person(f"R{i}"), "rijk")
        await service.record(vote(person(f"R{i}"), "visie-rijk", option))

    [content] = (await service.export(ExportRequest("xlsx"))).values()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Stellingen", "Deelname", "Verschuiving sinds de workshop",
                               "Toelichting"]
    sheet = book["Verschuiving sinds de workshop"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    col = {name: i for i, name in enumerate(header)}
    rows = {(r[2].value, r[5].value): r for r in sheet.iter_rows(min_row=2)}
    rijk = rows[("visie-rijk", "rijk")]
    before, now = rijk[col["workshop: aandeel eens"]], rijk[col["nu: aandeel eens"]]
    shift = rijk[col["verschuiving aandeel eens"]]
    assert (before.value, now.value, shift.value) == (
        pytest.approx(0.2), pytest.approx(0.5), pytest.approx(0.3))
    assert before.number_format == "0.0%" and shift.number_format == "+0.0%;-0.0%;0.0%"
    assert rijk[col["workshop: respondenten"]].value == 5
    # Two people at the workshop: under k, so not even how many.
    waterschap = rows[("visie-rijk", "waterschap")]
    assert waterschap[col["workshop: respondenten"]].value is None
    assert waterschap[col["workshop: aandeel eens"]].value is None
    assert waterschap[col["workshop: niet getoond want"]].value == "onder de privacydrempel"
    assert waterschap[col["verschuiving aandeel eens"]].value is None
    # Four alike: a count only.
    provincie = rows[("visie-rijk", "provincie")]
    assert provincie[col["workshop: respondenten"]].value == 4
    assert provincie[col["workshop: aandeel eens"]].value is None
    about = dict(book["Toelichting"].iter_rows(values_only=True))
    assert about["Workshop"].startswith("2026-07-10, uit workshop.csv.")
