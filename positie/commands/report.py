"""`positie report`: the campaign's report as a self-contained HTML page and a PDF/A."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.settings.errors import ConfigError
from positie.commands.common import DEFAULT_CONFIG, ConfigOption, fail, run, settings_from
from positie.output import write_file

FORMATS = ("html", "pdf")
HTML_FILE, PDF_FILE = "positie-rapport.html", "positie-rapport.pdf"


def report_command(
    config: ConfigOption = DEFAULT_CONFIG,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the report to.")]
    = Path("."),
    language: Annotated[str | None, typer.Option(
        "--lang", help="nl or en (default: the campaign's language).")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="Comma-separated: html, pdf or both.")] = "html,pdf",
) -> None:
    """Write the campaign report: the figures as the digest publishes them, per theme and
    statement with charts and tables, the core team's conclusions, methods and privacy.

    Exit code 2 for a bad option or configuration (the message says which and why).
    """
    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown or not wanted:
        fail(f"--format {formats!r}: use html, pdf or html,pdf")
    if language is not None and language not in ("nl", "en"):
        fail(f"--lang {language!r}: use nl or en")
    settings = settings_from(config)

    async def work() -> str:
        from positie.wiring import build_runtime
        from report.build import report_html

        runtime = await build_runtime(settings, with_adapters=False)
        try:
            return report_html(await runtime.service.report_data(language), settings)
        finally:
            await runtime.close()

    html = run(work)
    try:
        if "html" in wanted:
            write_file(out / HTML_FILE, html, option="--out")
            typer.echo(f"written to {out / HTML_FILE}")
        if "pdf" in wanted:
            from report.pdf import render_pdf

            write_file(out / PDF_FILE, render_pdf(html), option="--out")
            typer.echo(f"written to {out / PDF_FILE}")
    except ConfigError as exc:
        fail(str(exc))
