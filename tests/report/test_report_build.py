"""The report from a campaign through the real release step: what it shows, what it hides
and why, nothing per person, the conclusions rendered and escaped."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bot.insight.exports import ExportRequest
from bot.service import CampaignService
from bot.settings.config import Settings
from report.build import report_html
from tests.report.campaign import SECRET_USER, S, small_campaign


def _with_conclusions(service: CampaignService, tmp_path: Path, text: str) -> Settings:
    (tmp_path / "visie.md").write_text(text, encoding="utf-8")
    base = service.settings
    return base.model_copy(update={
        "report": base.report.model_copy(update={"conclusions": {"visie": "visie.md"}}),
        "base_dir": tmp_path})


async def test_report_shows_released_cells_and_hides_the_rest_with_reason(
        service: CampaignService) -> None:
    await small_campaign(service)
    html = report_html(await service.report_data("nl"), service.settings)

    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    table = html[html.index(f'id="statement-{S}"'):]
    table = table[:table.index("</table>")]
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table))
    # Gemeente in full: 6 respondents, 2 agree of 6.
    assert rows["Gemeente"].startswith('<td class="num">6</td>')
    assert "33" in rows["Gemeente"]
    # Provincie: four who all disagree: the count, no figures.
    assert re.findall(r">([^<]*)</td>", rows["Provincie"]) == ["4", *["–"] * 8]
    # Waterschap: one person: no number at all.
    assert re.findall(r">([^<]*)</td>", rows["Waterschap"]) == ["–"] * 9
    assert "Onder de privacydrempel: Waterschap" in html
    assert "Niet uitgesplitst, ter bescherming van een kleine groep: Provincie" in html
    assert SECRET_USER not in html and "G0" not in html


async def test_report_matches_what_the_export_publishes(service: CampaignService) -> None:
    """Both come from the same release: the report's figures are the export's."""
    await small_campaign(service)
    html = report_html(await service.report_data("en"), service.settings)
    files = await service.export(ExportRequest("csv"), "en")
    rows = csv.DictReader(io.StringIO(files["positie-export.csv"].decode()))
    gemeente = next(row for row in rows if row["statement"] == S and row["layer"] == "gemeente")
    assert gemeente["respondents"] == "6"
    assert '<html lang="en">' in html
    assert "Municipality" in html and "Methods and privacy" in html


async def test_the_same_ranked_insights_as_the_digest(service: CampaignService) -> None:
    await small_campaign(service)
    digest = await service.digest("nl")
    html = report_html(await service.report_data("nl"), service.settings)
    for section in digest.sections:
        if section.title in ("Waar de lagen het eens zijn", "Waar de lagen uiteenlopen"):
            assert f">{section.title}</h3>" in html
            for block in section.blocks:
                for item in getattr(block, "items", ()):
                    assert item.replace("“", "“") in html.replace("&#34;", '"')


async def test_conclusions_rendered_in_place_and_raw_html_escaped(
        service: CampaignService, tmp_path: Path) -> None:
    await small_campaign(service)
    config = _with_conclusions(service, tmp_path, (
        "# Wat we zien\n\nDe gemeenten zijn **verdeeld**.\n\n"
        "<script>alert('x')</script>\n\n[klik](javascript:alert(1))\n"))
    html = report_html(await service.report_data("nl"), config)

    section = html[html.index('id="theme-visie-conclusions"'):]
    section = section[:section.index("</section>")]
    assert "<h5>Wat we zien</h5>" in section  # `#` under the theme (h3) and its h4
    assert "<strong>verdeeld</strong>" in section
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in section
    assert "javascript:" not in section.replace("[klik](javascript:", "")
    assert 'href="javascript' not in html


async def test_bad_conclusions_paths_are_config_errors(tmp_path: Path) -> None:
    import pytest

    from bot.settings.errors import ConfigError
    from positie.settings import load

    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00")
    config = tmp_path / "positie.toml"
    config.write_text("""
[campaign]
id = "c"
name = "C"
[[campaign.layers]]
key = "rijk"
label_nl = "Rijk"
label_en = "National government"
[report]
conclusions = { visie = "missing.md", water = "binary.md" }
""", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(config)
    message = str(caught.value)
    assert f"report.conclusions.visie: {tmp_path / 'missing.md'} does not exist" in message
    assert "report.conclusions.water:" in message and "not UTF-8" in message




async def test_shift_since_the_workshop_hides_a_workshop_layer_under_k(
        service: CampaignService, tmp_path: Path) -> None:
    from datetime import date

    from bot.insight.baseline_file import read_baseline
    from bot.insight.baseline_import import import_baseline, statement_keys
    from tests.factories import T0, person, vote

    sheet = tmp_path / "workshop.csv"
    sheet.write_text("statement;layer;option;count\n"
                     "visie-rijk;rijk;eens;1\nvisie-rijk;rijk;oneens;2\nvisie-rijk;rijk;neutraal;2\n"
                     "visie-rijk;waterschap;eens;1\nvisie-rijk;waterschap;oneens;1\n",
                     encoding="utf-8")
    baseline = read_baseline(sheet, statements=await statement_keys(service.db, "test"),
                             layers=service.settings.campaign.layer_keys, scale=service.scale,
                             workshop_date=date(2026, 7, 10))
    await import_baseline(service.db, "test", baseline, now=T0)
    await service.open(S)
    for i, option in enumerate(["eens", "eens", "helemaal_eens", "neutraal", "neutraal",
                                "oneens"]):
        await service.choose_layer(person(f"R{i}"), "rijk")
        await service.record(vote(person(f"R{i}"), S, option))
    html = report_html(await service.report_data("en"), service.settings)

    section = html[html.index(">Shift since the workshop</h2>"):]
    section = section[:section.index("</section>")]
    assert "July 10, 2026" in section
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', section))
    cells = re.findall(r">([^<]*)</td>", rows["National government"])
    assert cells == ["5", "20%", "6", "50%", "+30 points", cells[-1]]
    water = re.findall(r">([^<]*)</td>", rows["Water authority"])
    assert water[:2] == ["–", "below the privacy threshold"] and "2" not in water
    assert 'href="#extra-1">Shift since the workshop' in html


async def test_one_changed_answer_does_not_change_the_report(service: CampaignService) -> None:
    """Through the release step over time: a second report after one person changed their
    mind shows the same figures, so comparing the two reveals nothing."""
    from tests.factories import person, vote

    await small_campaign(service)
    first = report_html(await service.report_data("en"), service.settings)
    await service.record(vote(person("G0"), S, "helemaal_oneens", at=5000.0))
    second = report_html(await service.report_data("en"), service.settings)

    def table(html: str) -> str:
        start = html.index(f'id="statement-{S}"')
        return html[start:html.index("</table>", start)]

    assert table(first) == table(second)
    live = await service.tally(S)  # the live tally reads the same release
    assert live.counts is not None and live.counts.get("helemaal_oneens", 0) == 0


async def test_the_pdf_keeps_every_table_on_the_page(service: CampaignService) -> None:
    """A4 has no horizontal scroll: no character of the report lies beyond the page."""
    import pypdfium2

    from report.pdf import render_pdf

    await small_campaign(service)
    pdf = pypdfium2.PdfDocument(render_pdf(report_html(await service.report_data("nl"),
                                                       service.settings)))
    seen = ""
    for page in pdf:
        width = page.get_width()
        text = page.get_textpage()
        seen += text.get_text_range()
        outside = [i for i in range(text.count_chars()) if text.get_charbox(i)[2] > width]
        text.close()
        page.close()
        assert outside == []
    pdf.close()
    assert "Gemiddelde" in seen and "Onder de privacydrempel: Waterschap" in seen


async def test_after_close_an_open_statement_shows_counts_only(
        service: CampaignService) -> None:
    """campaign.results = "after_close": the report holds an open statement's figures back as
    the digest does (the release step decides), and shows them once it closed."""
    from tests.factories import apply_settings, settings

    db_url = service.settings.database.url
    await apply_settings(service, settings(db_url, campaign={"results": "after_close"}))
    await small_campaign(service)
    html = report_html(await service.report_data("en"), service.settings)
    block = html[html.index(f'id="statement-{S}"'):]
    block = block[:block.index("</article>")]
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', block))
    assert re.findall(r">([^<]*)</td>", rows["Municipality"]) == ["6", *["–"] * 8]
    assert "11 answers so far; the results are shown once the statement closes." in block
    assert 'role="img"' not in block  # no chart of figures that are held back

    await service.close(S)
    closed = report_html(await service.report_data("en"), service.settings)
    block = closed[closed.index(f'id="statement-{S}"'):]
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>',
                           block[:block.index("</table>")]))
    assert re.findall(r">([^<]*)</td>", rows["Municipality"])[:2] == ["6", "0"]
