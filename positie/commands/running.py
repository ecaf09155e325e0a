"""Running positie: the bot itself, the offline demo, database migrations."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    run,
    settings_from,
    setup_logging,
)


def run_command(config: ConfigOption = DEFAULT_CONFIG,
                verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run the bot: migrate the database, serve Slack (and Telegram), until stopped."""
    from positie.wiring import run_until_stopped

    setup_logging(verbose)  # text until the config is read, then as it says
    settings = settings_from(config)
    setup_logging(verbose, settings)
    run(lambda: run_until_stopped(settings))


def demo_command(people: Annotated[int, typer.Option(help="Simulated civil servants.")] = 40,
                 out: Annotated[Path, typer.Option(help="Where the demo writes files.")] =
                 Path("demo-output")) -> None:
    """Run the whole loop offline against the Slack emulator and print what users see."""
    from positie.demo import run_demo

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    run(lambda: run_demo(people=people, out_dir=out))

def db_upgrade(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Apply the database migrations."""
    from bot.store.db import Database
    from bot.store.migrate import upgrade
    from bot.store.problems import database_errors

    settings = settings_from(config)

    async def work() -> None:
        with database_errors(settings.database.url):
            db = Database(url=settings.database.url)
        try:
            with database_errors(db.url):
                await upgrade(db)
        finally:
            await db.dispose()

    run(work)
    typer.echo("database is up to date")


def doctor_command(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Check config, database, statements, each platform's token and channels, schedule.

    One line per check with the fix; changes nothing. Exit code 1 when anything failed.
    """
    from positie.doctor import checks

    async def work() -> int:
        failed = 0
        async for check in checks(config):
            mark = "ok  " if check.ok else "FAIL"
            typer.echo(f"{mark} {check.name}: {check.detail}")
            if check.fix:
                typer.echo(f"     fix: {check.fix}")
            failed += not check.ok
        typer.echo("ready to run" if not failed else f"{failed} check(s) failed")
        return failed

    if run(work):
        raise typer.Exit(1)
