"""`positie doctor`: is this installation ready to run a campaign? One line per check.

Config, database and migrations, the statements file against every enabled platform, each
platform's token and channels, and the coming schedule. Nothing is changed: no migration
runs, nothing is posted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from adapters.registry import PLATFORMS
from bot.clock import SystemClock
from bot.ports import Check
from bot.service import CampaignService
from bot.settings.catalogue import load_catalogue
from bot.settings.catalogue_limits import check_catalogue
from bot.settings.config import Settings
from bot.settings.errors import ConfigError
from bot.store.db import Database
from bot.store.migrate import pending_revisions
from bot.store.problems import database_errors, shown
from positie.settings import load


async def checks(config: Path) -> AsyncIterator[Check]:
    try:
        settings = load(config)
    except ConfigError as exc:
        yield Check("config", False, str(exc), "fix the lines above; config.example.toml "
                                                "documents every key")
        return
    yield Check("config", True, f"{config} is valid")
    yield _statements(settings)
    try:
        with database_errors(settings.database.url):
            db = Database(url=settings.database.url)
    except ConfigError as exc:
        yield Check("database", False, str(exc))
        return
    try:
        yield await _database(db)
        service = CampaignService(db=db, settings=settings, clock=SystemClock())
        for platform in PLATFORMS:
            section = settings.platform(platform.name)
            if not section.enabled:
                continue
            adapter = platform.build(service, section)
            try:
                for check in await adapter.diagnose():
                    yield check
            finally:
                await adapter.stop()
        if not settings.enabled_platforms():
            yield Check("platforms", False, "no platform is enabled",
                        "set enabled = true under [slack] or [telegram]")
        for check in _schedule(settings, SystemClock().now()):
            yield check
    finally:
        await db.dispose()


async def _database(db: Database) -> Check:
    missing = _missing_sqlite_file(db.url)
    if missing is not None:  # connecting would create it: a check changes nothing
        return Check("database", False, f"{missing} does not exist yet",
                     "positie db upgrade creates it (positie run does too)")
    try:
        with database_errors(db.url):
            pending = await pending_revisions(db)
    except ConfigError as exc:
        return Check("database", False, str(exc))
    if pending:
        return Check("database", False, f"{shown(db.url)}: {len(pending)} migration(s) not "
                     f"applied yet ({', '.join(reversed(pending))})",
                     "positie db upgrade (positie run applies them too)")
    return Check("database", True, f"{shown(db.url)}: reachable, migrations up to date")


def _missing_sqlite_file(database_url: str) -> str | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return None if Path(url.database).exists() else url.database


def _statements(settings: Settings) -> Check:
    path = settings.statements_path()
    if path is None:
        return Check("statements", True, "no statements_file: statements are imported by hand")
    try:
        catalogue = load_catalogue(path)
        check_catalogue(path, catalogue, settings.enabled_platforms())
    except ConfigError as exc:
        return Check("statements", False, str(exc))
    return Check("statements", True, f"{path}: {len(catalogue.statement_keys())} statements "
                 f"in {len(catalogue.themes)} themes, all postable")


def _schedule(settings: Settings, now: datetime) -> list[Check]:
    from scheduling import job_specs
    from scheduling.slots import next_slots

    schedule = settings.schedule
    if schedule is None or not schedule.enabled:
        return [Check("schedule", True, "no [schedule]: statements and digests go out by hand")]
    zone = settings.campaign.timezone
    found = []
    for spec in job_specs(schedule, zone):
        moments = next_slots(spec.trigger, after=now, timezone=zone, count=1)
        when = moments[0].astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M") if moments \
            else "never"
        found.append(Check(f"schedule {spec.name}", bool(moments), f"next: {when} ({zone})",
                           "" if moments else "check the moments in [schedule]"))
    return found
