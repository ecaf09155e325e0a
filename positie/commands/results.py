"""What the campaign shows: the digest and the export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.audit.trail import CLI
from bot.settings.errors import ConfigError
from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    fail,
    run,
    settings_from,
)
from positie.output import write_file


def digest_command(
    config: ConfigOption = DEFAULT_CONFIG,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print it; post nothing.")] = False,
    language: Annotated[str | None, typer.Option("--lang", help="nl or en.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Also write samenvatting.txt, samenvatting.png (the chart) and the "
        "full table per statement (positie-stellingen.txt) here.")]
    = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="Name of this digest (default: manual-<UTC time>). Posting again "
        "under the same name reaches only the channels that did not get it.")] = None,
) -> None:
    """Build the digest and post it with its chart to the digest channels.

    With --dry-run nothing is posted: the text is printed, or with --out written to files.
    Exit code 1 when a channel did not get it; the message says how to retry just those.
    """
    from bot.insight.render_text import render_text
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=not dry_run)
        try:
            draft = await runtime.service.digest_draft(language)
            document, chart = draft.document, None
            if out is not None:  # asked for: a chart that fails is an error here
                chart = await runtime.service.digest_chart(language, release=draft.release,
                                                           shift=draft.shift)
                write_file(out / "samenvatting.txt", render_text(document) + "\n",
                           option="--out")
                write_file(out / "samenvatting.png", chart, option="--out")
                for attachment in document.attachments:  # the full table per statement
                    write_file(out / attachment.filename, attachment.text, option="--out")
                for name in ("samenvatting.txt", "samenvatting.png",
                             *(a.filename for a in document.attachments)):
                    typer.echo(f"written to {out / name}")
            if dry_run:
                if out is None:
                    typer.echo(render_text(document))
                return
            name = period or "manual-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            report = await runtime.service.publish_draft(
                draft, period=name,
                chart_png=chart or await runtime.service.chart_or_none(draft, language))
            await runtime.service.audit(via=CLI, actor=CLI, action="digest", target=name,
                                        outcome=f"posted {report.posted}, failed "
                                                f"{report.failed}")
            typer.echo(f"digest {name} posted to {report.posted} channel(s); "
                       f"{report.already_posted} had it already; {report.failed} failed")
            if report.failed:
                typer.echo(f"the log above says why; to post to those channels only: "
                           f"positie digest --period {name}", err=True)
                raise typer.Exit(1)
        finally:
            await runtime.close()

    run(work)


def export_command(
    config: ConfigOption = DEFAULT_CONFIG,
    format: Annotated[str, typer.Option("--format", help="Only csv for now.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Export aggregates per statement × layer (cells under the threshold stay hidden)."""
    from positie.wiring import build_runtime

    if format != "csv":
        fail(f"--format {format!r} is not supported; use --format csv")
    settings = settings_from(config)

    async def work() -> str:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            return await runtime.service.export_csv()
        finally:
            await runtime.close()

    text = run(work)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_file(output, text, option="--output")
        except ConfigError as exc:
            fail(str(exc))
        typer.echo(f"written to {output}")
