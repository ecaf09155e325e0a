"""`positie baseline import`: the workshop's results, as the baseline the campaign follows up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.audit.trail import CLI
from positie.commands.common import DEFAULT_CONFIG, ConfigOption, fail, run, settings_from


def baseline_import(
    file: Annotated[Path, typer.Argument(
        help="CSV with the columns statement, layer, option and count (one line per "
             "statement, layer and option), or statement, layer, option and optionally "
             "person (one line per person); separated by , or ; as Excel saves it.")],
    workshop_date: Annotated[str | None, typer.Option(
        "--date", help="The workshop's date (2026-07-10), when the file has no date column.")]
    = None,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Import the workshop's positions as the campaign's baseline (replacing any earlier one).

    The whole file is checked first against the statement catalogue (by key), the layers and
    the scale; any problem is reported with its line and column, nothing is imported, and
    the exit code is 2. A file of one line per person is added up at once: only counts per
    statement, layer and option are stored. Digest and chart then show the shift since the
    workshop, under the same privacy rules as everything else.
    """
    from bot.insight.baseline_file import parse_date, read_baseline
    from bot.insight.baseline_import import import_baseline, statement_keys
    from positie.wiring import build_runtime

    given: date | None = None
    if workshop_date is not None:
        given = parse_date(workshop_date)
        if given is None:
            fail(f"--date {workshop_date!r} is not a date; write it as 2026-07-10")
    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            campaign = settings.campaign
            baseline = read_baseline(
                file, statements=await statement_keys(runtime.db, campaign.id),
                layers=campaign.layer_keys, scale=campaign.scale_options(),
                workshop_date=given)
            report = await import_baseline(runtime.db, campaign.id, baseline,
                                           now=datetime.now(UTC))
            await runtime.service.audit(via=CLI, actor=CLI, action="baseline import",
                                        target=file.name, outcome=report.summary()[:200])
        finally:
            await runtime.close()
        typer.echo(report.summary())

    run(work)
