"""The campaign's rhythm: pausing, resuming, and the coming schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    run,
    settings_from,
)


def _set_paused(config: Path, paused: bool) -> None:
    from bot.cadence.pause import pause_reply
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> str:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            changed = await runtime.service.set_paused(paused)
            return pause_reply(paused, changed, runtime.service.texts())
        finally:
            await runtime.close()

    typer.echo(run(work))


def pause_command(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Pause the campaign: scheduled openings, closings, reminders and digests stop."""
    _set_paused(config, True)


def resume_command(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Resume a paused campaign; runs missed meanwhile are not made up."""
    _set_paused(config, False)


def schedule_command(
    config: ConfigOption = DEFAULT_CONFIG,
    count: Annotated[int, typer.Option(help="How many coming moments per job.")] = 3,
) -> None:
    """Show when statements open, reminders go out and digests are posted next."""
    from bot.clock import SystemClock
    from bot.settings.schedule import format_duration
    from scheduling import job_specs
    from scheduling.slots import next_slots

    settings = settings_from(config)
    schedule = settings.schedule
    if schedule is None or not schedule.enabled:
        typer.echo("no [schedule] enabled in the configuration; see config.example.toml")
        return
    timezone = settings.campaign.timezone
    now = SystemClock().now()
    for spec in job_specs(schedule, timezone):
        moments = next_slots(spec.trigger, after=now, timezone=timezone, count=count)
        typer.echo(f"{spec.name}: " + ", ".join(
            m.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M") for m in moments))
    typer.echo(f"statements stay open {format_duration(schedule.open_for)}; catch-up window "
               f"{format_duration(schedule.misfire_grace)}; times in {timezone}")
