"""The campaign's rhythm: pausing, resuming, and the coming schedule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.audit.trail import CLI
from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    fail,
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
            await runtime.service.audit(via=CLI, actor=CLI, action="pause" if paused
                                        else "resume",
                                        outcome="done" if changed else "already so")
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


def audit_command(
    config: ConfigOption = DEFAULT_CONFIG,
    since: Annotated[str | None, typer.Option(
        help="Only from this day or moment on (ISO 8601, e.g. 2026-12-01 or "
             "2026-12-01T09:00), in campaign.timezone.")] = None,
) -> None:
    """The audit trail: every admin action and erasure, from chat or this command line."""
    from bot.audit.trail import entries
    from positie.wiring import build_runtime

    settings = settings_from(config)
    zone = ZoneInfo(settings.campaign.timezone)
    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r} is not a date or moment; write e.g. 2026-12-01 or "
                 "2026-12-01T09:00")
            return
        start = start if start.tzinfo else start.replace(tzinfo=zone)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            found = await entries(runtime.db, settings.campaign.id, since=start)
        finally:
            await runtime.close()
        if not found:
            typer.echo("no audit entries" + (f" since {since}" if since else ""))
        for e in found:
            when = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
            target = f" {e.target}" if e.target else ""
            typer.echo(f"{when}  {e.via:<9} {e.actor:<14} {e.action}{target}: {e.outcome}")

    run(work)


def purge_command(
    config: ConfigOption = DEFAULT_CONFIG,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count; erase nothing.")] = False,
) -> None:
    """Erase people's data of a campaign once campaign.ends plus campaign.retention passed.

    Run it daily (deploy/positie-purge.timer): until then it says when and does nothing.
    """
    from positie.purge import purge

    typer.echo(run(lambda: purge(settings_from(config), dry_run=dry_run)))
