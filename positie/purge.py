"""`positie purge`: the campaign's retention period, carried out."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.people.purge import purge_campaign
from bot.settings.config import Settings
from bot.settings.retention import purge_due
from bot.settings.schedule import format_duration


async def purge(settings: Settings, *, dry_run: bool = False,
                now: datetime | None = None) -> str:
    from positie.wiring import build_runtime

    campaign = settings.campaign
    due = purge_due(campaign.ends, campaign.retention, campaign.timezone)
    if due is None or campaign.ends is None or campaign.retention is None:
        return ("no retention set: add campaign.ends and campaign.retention (e.g. \"26w\") to "
                "the configuration; until then positie keeps positions until people ask to "
                "be forgotten")
    now = now or datetime.now(UTC)
    when = (f"campaign ended {campaign.ends:%Y-%m-%d}, retention "
            f"{format_duration(campaign.retention)}: personal data goes from "
            f"{due:%Y-%m-%d %H:%M} UTC")
    if now < due:
        return f"nothing {'would be ' if dry_run else ''}erased yet ({when})"
    runtime = await build_runtime(settings, with_adapters=False)
    try:
        report = await purge_campaign(runtime.db, campaign.id, now=now, due=due,
                                      dry_run=dry_run)
    finally:
        await runtime.close()
    return (f"{'would erase' if dry_run else 'erased'} {report.positions} position(s), "
            f"{report.events} event(s) of history, {report.reminders} reminder(s) and "
            f"{report.people} person(s) ({when}); published digests hold counts only and stay")
