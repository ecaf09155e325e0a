"""`positie export` from the command line: each format to a file or directory, and bad
options refused with exit code 2 before anything is written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from positie.cli import app
from tests.factories import minimal_config_file

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = minimal_config_file(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "-c", str(path)]).exit_code == 0
    imported = runner.invoke(app, ["statements", "import",
                                   str(ROOT / "statements.example.toml"), "-c", str(path)])
    assert imported.exit_code == 0, imported.output
    posted = runner.invoke(app, ["post", "visie-rijk", "-c", str(path)])
    assert posted.exit_code == 0, posted.output
    return path


def export(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["export", "-c", str(config), *args])
    return result.exit_code, result.output


def test_each_format_is_written(config: Path, tmp_path: Path) -> None:
    code, output = export(config)  # the default: standard CSV on stdout, Dutch headers
    assert code == 0, output
    assert output.startswith("thema,themanaam,stelling,stellingtekst,status,laag,")

    target = tmp_path / "out" / "positie.csv"
    code, output = export(config, "--dialect", "excel-nl", "--out", str(target))
    assert code == 0, output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfthema;themanaam;") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {row[2] for row in rows[1:]} == {"visie-rijk"}

    code, output = export(config, "--format", "xlsx", "--lang", "en", "-o",
                          str(tmp_path / "positie.xlsx"))
    assert code == 0, output
    book = load_workbook(tmp_path / "positie.xlsx")
    assert book.sheetnames == ["Statements", "Participation", "About"]
    assert book["Statements"]["A1"].value == "theme"

    code, output = export(config, "--format", "polis", "--out", str(tmp_path / "polis"))
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "polis").iterdir()) == [
        "comment-groups.csv", "comments.csv", "positie-groups.csv",
        "positie-statements.csv", "summary.csv"]
    # Into an existing directory: the files are replaced, nothing else is left behind.
    code, output = export(config, "--format", "polis", "--out", str(tmp_path / "polis"))
    assert code == 0, output
    assert len(list((tmp_path / "polis").iterdir())) == 5
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize(("args", "expected"), [
    (["--format", "xml"], "--format 'xml' is not known; use one of csv, xlsx, polis"),
    (["--format", "xlsx", "--dialect", "excel-nl", "-o", "x.xlsx"],
     "--dialect applies to --format csv only"),
    (["--dialect", "semicolon"], "--dialect 'semicolon' is not known; use one of standard, "
                                 "excel-nl"),
    (["--format", "xlsx"], "--format xlsx writes a file such as positie.xlsx: give it with "
                           "--out"),
    (["--format", "polis"], "--format polis writes a directory: give it with --out"),
    (["--lang", "de"], "--lang 'de' is not known; use nl or en"),
])
def test_bad_options_exit_2_and_say_what_to_change(config: Path, args: list[str],
                                                   expected: str) -> None:
    code, output = export(config, *args)
    assert code == 2
    assert expected in output
    assert "Traceback" not in output


def test_an_unwritable_path_writes_nothing(config: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    code, output = export(config, "--format", "xlsx", "--out", str(blocker / "x.xlsx"))
    assert code == 2
    assert f"--out {blocker / 'x.xlsx'}: cannot write there ({blocker} is a file" in output
    code, output = export(config, "--format", "polis", "--out", str(blocker))
    assert code == 2
    assert "is a file; --format polis writes a directory" in output
    assert blocker.read_text(encoding="utf-8") == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "positie.db",
                                                          "positie.toml"]
