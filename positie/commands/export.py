"""`positie export`: the campaign's figures as CSV, an XLSX workbook or Pol.is files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.insight.exports import ExportRefused, ExportRequest
from bot.settings.errors import ConfigError
from positie.commands.common import DEFAULT_CONFIG, ConfigOption, fail, run, settings_from
from positie.output import write_file, write_files


def export_command(
    config: ConfigOption = DEFAULT_CONFIG,
    format: Annotated[str, typer.Option(
        "--format", help="csv (one table), xlsx (a workbook, one sheet per view) or polis "
        "(a directory of CSV files in the Pol.is export layout, aggregated only).")] = "csv",
    out: Annotated[Path | None, typer.Option(
        "--out", "--output", "-o", help="The file to write (csv, xlsx) or the directory "
        "(polis). Without it, csv is printed.")] = None,
    dialect: Annotated[str | None, typer.Option(
        "--dialect", help="csv only: standard (',' and a decimal point; the default) or "
        "excel-nl (';', decimal comma, BOM: Dutch Excel opens it in columns).")] = None,
    language: Annotated[str | None, typer.Option(
        "--lang", help="nl or en: column headers and labels (default: the campaign's).")]
    = None,
) -> None:
    """Export the figures per statement × layer, as the release step lets them out.

    Cells the digest would not show are not in any export; no format holds a person's
    answer. Exit code 2 for an option that does not fit; nothing is written then.
    """
    from positie.wiring import build_runtime

    try:
        request = ExportRequest(format=format, dialect=dialect)
    except ExportRefused as exc:
        fail(str(exc))
    if language is not None and language not in ("nl", "en"):
        fail(f"--lang {language!r} is not known; use nl or en")
    if out is None and format != "csv":
        what = "a directory" if format == "polis" else "a file such as positie.xlsx"
        fail(f"--format {format} writes {what}: give it with --out")
    if out is not None and format == "polis" and out.exists() and not out.is_dir():
        fail(f"--out {out}: is a file; --format polis writes a directory of CSV files")
    settings = settings_from(config)

    async def work() -> dict[str, bytes]:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            return await runtime.service.export(request, language)
        finally:
            await runtime.close()

    files = run(work)
    try:
        if out is None:
            (content,) = files.values()
            typer.echo(content.decode("utf-8"), nl=False)
        elif format == "polis":
            write_files(out, files, option="--out")
            typer.echo(f"written to {out}/ ({', '.join(files)})")
        else:
            (content,) = files.values()
            write_file(out, content, option="--out")
            typer.echo(f"written to {out}")
    except ConfigError as exc:
        fail(str(exc))
