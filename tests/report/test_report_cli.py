"""`positie report` from the command line: HTML and a PDF/A that opens, reads and draws; bad
options and bad conclusions paths are clear errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from pypdf import PdfReader
from typer.testing import CliRunner

from positie.cli import app
from positie.commands.report import HTML_FILE, PDF_FILE
from tests.factories import minimal_config_file

ROOT = Path(__file__).resolve().parents[2]


def _campaign(tmp_path: Path) -> Path:
    config = minimal_config_file(tmp_path, name="Testcampagne")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "-c", str(config)]).exit_code == 0
    imported = runner.invoke(app, ["statements", "import",
                                   str(ROOT / "statements.example.toml"), "-c", str(config)])
    assert imported.exit_code == 0, imported.output
    return config


def test_report_writes_html_and_a_pdf_a(tmp_path: Path) -> None:
    config = _campaign(tmp_path)
    out = tmp_path / "rapport"
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--lang", "en",
                                      "-c", str(config)])
    assert result.exit_code == 0, result.output
    html = (out / HTML_FILE).read_text(encoding="utf-8")
    assert "<title>Report Testcampagne</title>" in html and "http" not in html.split(
        "<main", 1)[0].replace('name="viewport"', "")

    reader = PdfReader(out / PDF_FILE)
    assert reader.metadata is not None and reader.metadata.title == "Report Testcampagne"
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Methods and privacy" in text and "Testcampagne" in text
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp or \
        'pdfaid:conformance="B"' in xmp
    pdf = pypdfium2.PdfDocument(out / PDF_FILE)
    assert len(pdf) == len(reader.pages) >= 2
    image = pdf[0].render(scale=1).to_pil()
    assert image.width > 500 and image.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_html_only_and_dutch_by_default(tmp_path: Path) -> None:
    config = _campaign(tmp_path)
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--format", "html",
                                      "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert '<html lang="nl">' in (tmp_path / HTML_FILE).read_text(encoding="utf-8")
    assert not (tmp_path / PDF_FILE).exists()


def test_bad_options_and_paths_exit_2(tmp_path: Path) -> None:
    config = _campaign(tmp_path)
    runner = CliRunner()
    bad_format = runner.invoke(app, ["report", "--format", "docx", "-c", str(config)])
    assert bad_format.exit_code == 2 and "--format 'docx'" in bad_format.output
    bad_lang = runner.invoke(app, ["report", "--lang", "de", "-c", str(config)])
    assert bad_lang.exit_code == 2 and "--lang 'de'" in bad_lang.output
    with config.open("a", encoding="utf-8") as extra:
        extra.write('\n[report]\nconclusions = { visie = "conclusies/visie.md" }\n')
    missing = runner.invoke(app, ["report", "--out", str(tmp_path), "-c", str(config)])
    assert missing.exit_code == 2
    assert f"report.conclusions.visie: {tmp_path / 'conclusies/visie.md'} does not exist" in \
        missing.output
    assert "Traceback" not in missing.output and not (tmp_path / HTML_FILE).exists()
