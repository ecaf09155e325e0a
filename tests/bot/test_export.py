"""`positie export` as CSV (both dialects) and XLSX, read back: figures per statement ×
layer as the release step lets them out, hidden cells hidden, never a person."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from bot.insight.exports import ExportRefused, ExportRequest
from bot.service import CampaignService
from tests.factories import apply_settings, person, settings, vote

S = "visie-rijk"
LAYER_ROWS = ("rijk", "provincie", "gemeente", "waterschap", "onbekend", "*")


async def small_campaign(service: CampaignService) -> None:
    """Gemeente: 6 mixed (shown); provincie: 4 alike (a count only); waterschap: 1."""
    await service.open(S)
    for n, option in enumerate(["eens", "eens", "oneens", "helemaal_oneens", "neutraal",
                                "weet_niet"]):
        who = person(f"G{n}")
        await service.choose_layer(who, "gemeente")
        await service.record(vote(who, S, option))
    for n in range(4):
        who = person(f"P{n}")
        await service.choose_layer(who, "provincie")
        await service.record(vote(who, S, "oneens"))
    lonely = person("W1")
    await service.choose_layer(lonely, "waterschap")
    await service.record(vote(lonely, S, "helemaal_oneens"))


def rows_of(text: str, delimiter: str = ",") -> dict[tuple[str, str], dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return {(r["stelling"], r["laag"]): r for r in reader}


async def test_csv_has_texts_and_hides_small_cells(service: CampaignService) -> None:
    await small_campaign(service)
    text = await service.export_csv()
    rows = rows_of(text)
    assert [layer for key, layer in rows if key == S] == list(LAYER_ROWS)
    gemeente = rows[(S, "gemeente")]
    assert (gemeente["thema"], gemeente["stellingtekst"], gemeente["laagnaam"]) == (
        "visie", "Het Rijk moet de visie op de circulaire economie bepalen; de regio werkt "
        "die uit.", "Gemeente")
    assert (gemeente["eens (aantal)"], gemeente["helemaal oneens (aantal)"],
            gemeente["respondenten"], gemeente["aandeel eens"], gemeente["gemiddelde"],
            gemeente["getoond"], gemeente["reden"]) == ("2", "1", "6", "0.3333", "-0.2000",
                                                        "ja", "")
    # One person: below the threshold, not even how many.
    waterschap = rows[(S, "waterschap")]
    assert (waterschap["getoond"], waterschap["reden"], waterschap["respondenten"],
            waterschap["helemaal oneens (aantal)"]) == ("nee", "onder de privacydrempel", "", "")
    # Four people who all disagree: a count, no figures, and why.
    provincie = rows[(S, "provincie")]
    assert (provincie["getoond"], provincie["reden"], provincie["respondenten"],
            provincie["oneens (aantal)"], provincie["gemiddelde"]) == (
        "nee", "niet uitgesplitst, ter bescherming van een kleine groep", "4", "", "")
    # The total is over the layers shown in full: nothing to subtract the others from.
    assert rows[(S, "*")]["respondenten"] == "6"
    assert {key for key, _ in rows} == {S}  # statements never opened are not in it
    assert "W1" not in text and "G0" not in text
    assert text.endswith("\r\n") and not text.startswith("\ufeff")


async def test_csv_in_english(service: CampaignService) -> None:
    await small_campaign(service)
    [content] = (await service.export(ExportRequest("csv"), "en")).values()
    header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert header[:7] == ["theme", "theme title", "statement", "statement text", "state",
                          "layer", "layer name"]
    assert header[-5:] == ["respondents", "mean", "share agreeing", "shown", "reason"]
    assert "strongly agree (count)" in header
    assert "below the privacy threshold" in content.decode("utf-8")


async def test_excel_nl_dialect_parses_back_in_columns(service: CampaignService) -> None:
    await small_campaign(service)
    [content] = (await service.export(ExportRequest("csv", "excel-nl"))).values()
    assert content.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel looks for
    text = content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == "" and all("\n" not in line for line in lines)
    assert lines[0].startswith("thema;themanaam;stelling;stellingtekst;")
    gemeente = rows_of(text, ";")[(S, "gemeente")]
    # Decimal comma; a negative mean is a number (no guard quote), as Excel reads it.
    assert (gemeente["aandeel eens"], gemeente["gemiddelde"]) == ("0,3333", "-0,2000")
    assert float(gemeente["gemiddelde"].replace(",", ".")) == pytest.approx(-0.2)
    # The statement text holds a ';': quoted, so it stays one column.
    assert gemeente["stellingtekst"].startswith("Het Rijk moet de visie op de circulaire "
                                                "economie bepalen; de regio")


async def test_xlsx_reads_back_with_sheets_formats_and_hidden_cells(
        service: CampaignService) -> None:
    await small_campaign(service)
    [content] = (await service.export(ExportRequest("xlsx"))).values()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Stellingen", "Deelname", "Toelichting"]
    sheet = book["Stellingen"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = {(r[2].value, r[5].value): r for r in sheet.iter_rows(min_row=2)}
    col = {name: i for i, name in enumerate(header)}
    gemeente = rows[(S, "gemeente")]
    share, mean = gemeente[col["aandeel eens"]], gemeente[col["gemiddelde"]]
    assert share.value == pytest.approx(2 / 6) and share.number_format == "0.0%"
    assert mean.value == pytest.approx(-0.2) and mean.data_type == "n"
    assert mean.number_format == "+0.0;-0.0;0.0"
    assert gemeente[col["eens (aantal)"]].value == 2
    provincie = rows[(S, "provincie")]
    assert provincie[col["respondenten"]].value == 4
    assert provincie[col["oneens (aantal)"]].value is None
    assert provincie[col["gemiddelde"]].value is None
    waterschap = rows[(S, "waterschap")]
    assert waterschap[col["respondenten"]].value is None
    assert waterschap[col["reden"]].value == "onder de privacydrempel"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
    participation = {r[0]: r for r in book["Deelname"].iter_rows(min_row=2, values_only=True)}
    assert participation["gemeente"][2:4] == (6, 6)
    assert book["Deelname"]["E2"].number_format == "0.0%"
    about = dict(book["Toelichting"].iter_rows(values_only=True))
    assert "minder dan 3 respondenten" in about["Privacy"]
    assert about["Privacydrempel"] == "3"
    everything = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert "G0" not in everything and "W1" not in everything


async def test_bad_requests_are_refused_with_the_fix() -> None:
    with pytest.raises(ExportRefused, match="use one of csv, xlsx, polis"):
        ExportRequest("xml")
    with pytest.raises(ExportRefused, match="--dialect applies to --format csv only"):
        ExportRequest("xlsx", "excel-nl")
    with pytest.raises(ExportRefused, match="use one of standard, excel-nl"):
        ExportRequest("csv", "excel-de")



async def test_after_close_keeps_an_open_statement_back_in_every_format(
        service: CampaignService, db_url: str) -> None:
    await apply_settings(service, settings(db_url, campaign={"results": "after_close"}))
    await small_campaign(service)
    rows = rows_of(await service.export_csv())
    gemeente = rows[(S, "gemeente")]
    assert (gemeente["getoond"], gemeente["reden"], gemeente["respondenten"],
            gemeente["eens (aantal)"], gemeente["aandeel eens"]) == (
        "nee", "achtergehouden tot de stelling sluit", "6", "", "")
    [content] = (await service.export(ExportRequest("xlsx"))).values()
    sheet = load_workbook(io.BytesIO(content))["Stellingen"]
    header = [c.value for c in sheet[1]]
    shares = [r[header.index("aandeel eens")] for r in sheet.iter_rows(min_row=2,
                                                                       values_only=True)]
    assert shares == [None] * len(shares)
    files = await service.export(ExportRequest("polis"))
    groups = next(csv.DictReader(io.StringIO(files["comment-groups.csv"].decode("utf-8"))))
    assert groups["group-c-agrees"] == "" and groups["total-votes"] == ""
