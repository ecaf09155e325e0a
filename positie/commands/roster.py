"""`positie roster import`: layers from the admins' spreadsheet."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.audit.trail import CLI
from positie.commands.common import DEFAULT_CONFIG, ConfigOption, run, settings_from

# From how much work a progress bar is shown (on a terminal only): Slack answers some 50
# lookups a minute, while 20,000 rows import in a second or two.
LONG_LOOKUP = 20
LONG_IMPORT = 20_000


def roster_import(
    file: Annotated[Path, typer.Argument(
        help="CSV with the columns platform, workspace, user_id, layer (and optionally "
             "email), separated by , or ; as Excel saves it.")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Set layers from the admins' roster; a person's own choice is kept.

    People are given by platform user id, or by e-mail address where the platform can look
    them up (Slack; looked up once, remembered by a keyed hash, never in clear). The whole
    file is checked first: a line that can never match anyone is refused with its number,
    and then nothing is imported.
    """
    from bot.people.roster_emails import resolve_emails
    from bot.people.roster_file import RosterProblems, read_roster, unique_people
    from bot.people.roster_import import import_roster
    from bot.settings.errors import ConfigError
    from positie.progress import progress_bar
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        roster = read_roster(file, settings.campaign.layer_keys, settings.identities())
        lookups = sorted({row.platform for row in roster.emails})
        for platform in lookups:
            if not settings.platform(platform).enabled:
                raise ConfigError(
                    f"{file}: {sum(r.platform == platform for r in roster.emails)} row(s) give "
                    f"{platform} people by e-mail address, which needs {platform} to look "
                    f"them up: set enabled = true in [{platform}] with its bot_token, or give "
                    "user ids instead")
        runtime = await build_runtime(settings, with_adapters=bool(lookups), platforms=lookups)
        try:
            entries = roster.entries
            if roster.emails:
                directories = {}
                for platform in lookups:
                    directory = runtime.adapters[platform].directory
                    if directory is None:  # read_roster refuses these rows already
                        raise ConfigError(f"{platform} cannot look people up by e-mail")
                    directories[platform] = directory
                with progress_bar("looking up e-mail addresses", total=len(roster.emails),
                                  at_least=LONG_LOOKUP) as advance:
                    resolution = await resolve_emails(
                        runtime.db, settings.campaign.id, roster.emails, directories,
                        now=datetime.now(UTC), progress=advance)
                entries, twice = unique_people([*roster.entries, *resolution.entries])
                if resolution.problems or twice:
                    raise RosterProblems(file, [*resolution.problems, *twice])
                typer.echo(f"{len(roster.emails)} e-mail address(es): {resolution.remembered} "
                           f"known from an earlier run, {resolution.asked} looked up now")
            with progress_bar("importing the roster", total=len(entries),
                              at_least=LONG_IMPORT) as advance:
                report = await import_roster(runtime.db, entries, now=datetime.now(UTC),
                                             progress=advance)
            await runtime.service.audit(via=CLI, actor=CLI, action="roster import",
                                        target=file.name, outcome=report.summary()[:200])
        finally:
            await runtime.close()
        typer.echo(report.summary())

    run(work)
