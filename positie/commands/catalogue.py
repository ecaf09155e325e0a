"""The statements: importing the catalogue, opening and closing statements."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.audit.trail import CLI
from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    fail,
    run,
    settings_from,
    setup_logging,
)


def statements_import(
    file: Annotated[Path | None, typer.Argument(
        help="The statements file; default campaign.statements_file.")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Import or update themes and statements (matched by key); statements no longer in the
    file are retired, never deleted.

    When the config names a campaign.statements_file, that file is the source of truth: it
    is imported at every start, so only it can be imported here.
    """
    from bot.publishing.catalogue_import import import_catalogue
    from bot.settings.catalogue import load_catalogue
    from bot.settings.catalogue_limits import check_catalogue
    from positie.wiring import build_runtime

    settings = settings_from(config)
    configured = settings.statements_path()
    if file is None and configured is None:
        fail("name the statements file (positie statements import FILE), or set "
             "campaign.statements_file in the configuration")
    if file is not None and configured is not None and file.resolve() != configured.resolve():
        fail(f"campaign.statements_file is {configured}: positie imports that file at every "
             f"start, so importing {file} would be undone by the next command. Put the "
             f"statements in {configured}, or point campaign.statements_file at {file}, and "
             "run `positie statements import` again")
    path = file or configured
    assert path is not None

    async def work() -> None:
        catalogue = load_catalogue(path)
        check_catalogue(path, catalogue, settings.enabled_platforms())
        runtime = await build_runtime(settings, with_adapters=False, import_statements=False)
        try:
            report = await import_catalogue(runtime.db, settings.campaign.id, catalogue,
                                            now=datetime.now(UTC))
            await runtime.service.audit(
                via=CLI, actor=CLI, action="statements import", target=path.name,
                outcome=f"{report.added} added, {report.updated} updated, {report.retired} "
                        f"retired, {report.restored} back")
        finally:
            await runtime.close()
        typer.echo(f"{report.added} added, {report.updated} updated "
                   f"({report.kept_revisions} earlier texts kept), {report.unchanged} unchanged, "
                   f"{report.retired} retired (no longer in the file), {report.restored} back")

    run(work)

def post_command(
    statement_id: Annotated[str | None, typer.Argument(help="The statement's key.")] = None,
    theme: Annotated[str | None, typer.Option(
        "--theme", help="Open every statement of this theme (key) not closed or retired.")]
    = None,
    all_drafts: Annotated[bool, typer.Option(
        "--all-drafts", help="Open every statement still in draft.")] = False,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Open statements now and post them to the campaign's statement channels: one KEY, a
    whole --theme, or --all-drafts, in one process. On a closed KEY: reopen it.

    Exit code 1 while a channel misses a statement; rerun the same command to reach it.
    """
    from bot.publishing.selection import ThemeNotFound
    from positie.posting import post_statements

    if sum((statement_id is not None, theme is not None, all_drafts)) != 1:
        fail("give one statement KEY, or --theme THEME, or --all-drafts")
    settings = settings_from(config)
    setup_logging(False, settings)
    try:
        missed = run(lambda: post_statements(settings, key=statement_id, theme=theme))
    except ThemeNotFound as exc:
        fail(f"no theme with key {exc.args[0]!r}; the themes are: "
             f"{', '.join(exc.args[1]) or 'none (import statements first)'}")
        return
    if missed:
        typer.echo("not every channel has it: the log above says why per channel; fix that, "
                   "then rerun the same command to reach only those", err=True)
        raise typer.Exit(1)


def close_command(statement_id: str, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Close a statement for answers and mark its messages closed."""
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings)
        try:
            updated = await runtime.service.close(statement_id)
            await runtime.service.audit(via=CLI, actor=CLI, action="close",
                                        target=statement_id, outcome=f"{updated} updated")
        finally:
            await runtime.close()
        typer.echo(f"{statement_id}: closed; {updated} message(s) updated")

    run(work)


def channels_callback(ctx: typer.Context, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Every channel of the campaign: reached, unreachable (why, next try) or removed.

    `positie channels retry [ID]` tries unreachable ones now.
    """
    if ctx.invoked_subcommand is None:
        list_channels(config)


def list_channels(config: Path) -> None:
    from zoneinfo import ZoneInfo

    from positie.wiring import build_runtime

    settings = settings_from(config)
    zone = ZoneInfo(settings.campaign.timezone)

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "never"

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            states = await runtime.service.channel_states()
        finally:
            await runtime.close()
        for c in states:
            line = (f"{c.platform:<9} {c.external_id:<16} {c.state:<12} last success "
                    f"{when(c.last_success)}")
            if c.state == "unreachable":
                line += f"; {c.reason}; next try {when(c.retry_at)} (positie channels retry " \
                        f"{c.external_id} tries now)"
            elif c.state == "removed":
                line += "; list it in the config again to reach it"
            typer.echo(line)

    run(work)


def channels_retry_command(
    channel_id: Annotated[str | None, typer.Argument(
        help="One channel or chat id; default every unreachable one that is due.")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Try unreachable channels now: one the bot may post in again gets what it missed."""
    from positie.wiring import build_runtime

    settings = settings_from(config)

    async def work() -> int:
        runtime = await build_runtime(settings)
        try:
            tried = await runtime.service.retry_channels(only=channel_id)
        finally:
            await runtime.close()
        if not tried:
            typer.echo("no unreachable channel to try" + (f" with id {channel_id}"
                                                         if channel_id else " now"))
        for channel, check in tried:
            outcome = "reachable again; open statements posted" if check.ok \
                else f"still unreachable: {check.detail}" + (f"; fix: {check.fix}"
                                                              if check.fix else "")
            typer.echo(f"{channel.platform} {channel.external_id}: {outcome}")
        return sum(not check.ok for _, check in tried)

    if run(work):
        raise typer.Exit(1)
