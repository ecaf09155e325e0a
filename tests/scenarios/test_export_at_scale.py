"""Exports of a 200-statement, 1,000-person campaign (tests/scale.py), read back: every
statement × layer row there, the planted cells exact."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from bot.insight.exports import ExportRequest
from bot.service import CampaignService
from tests.scale import build_scale_campaign

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def test_200_statements_export_in_every_format(service: CampaignService) -> None:
    built = await build_scale_campaign(service.db, service.campaign_id, statements=200)
    [xlsx] = (await service.export(ExportRequest("xlsx"))).values()
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)["Stellingen"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == len(built.statement_keys) * 6  # 4 layers, onbekend, "*"
    col = {name: i for i, name in enumerate(header)}
    cells = {(r[col["stelling"]], r[col["laag"]]): r for r in body}
    # split-large: provincie 144 of 180 agree, gemeente 3 of 130.
    provincie = cells[("split-large", "provincie")]
    assert (provincie[col["eens (aantal)"]], provincie[col["respondenten"]]) == (144, 180)
    assert provincie[col["aandeel eens"]] == pytest.approx(0.8)
    assert cells[("split-large", "gemeente")][col["aandeel eens"]] == pytest.approx(3 / 130)
    total = cells[("split-large", "*")]
    assert (total[col["respondenten"]], total[col["eens (aantal)"]]) == (310, 147)

    files = await service.export(ExportRequest("polis"))
    groups = list(csv.DictReader(io.StringIO(files["comment-groups.csv"].decode("utf-8"))))
    assert len(groups) == len(built.statement_keys)
    keys = {r["comment-id"]: r["statement"] for r in csv.DictReader(
        io.StringIO(files["positie-statements.csv"].decode("utf-8")))}
    split = next(r for r in groups if keys[r["comment-id"]] == "split-large")
    assert (split["group-b-votes"], split["group-b-agrees"], split["group-b-disagrees"]) == (
        "180", "144", "36")
